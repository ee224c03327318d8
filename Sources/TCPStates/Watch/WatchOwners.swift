/// The processes holding the watched sockets, kept current as sockets
/// appear: a refresh that meets a socket whose inode no process was known to
/// hold asks for a new scan of /proc before the next refresh. So a new
/// socket's owner is known from the refresh after it first appears.
/// Used on the watch's thread only.
public final class WatchOwners {
    public private(set) var table: OwnerTable
    private let scanner: ProcessScanner
    /// Inodes no process held at the last scan: they do not ask for another.
    private var unattributed: Set<UInt64> = []
    private var wantsScan = false

    /// Scans /proc for the processes of the current network namespace, or of
    /// every namespace (a watch of several).
    public init(everyNamespace: Bool = false) throws(SourceError) {
        var scanner = ProcessScanner()
        scanner.networkNamespace = everyNamespace ? nil : ProcessScanner.currentNetworkNamespace()
        self.scanner = scanner
        table = try scanner.scan()
    }

    /// The owners of a socket; an inode unknown so far asks for a scan.
    public func owners(of inode: UInt64) -> [SocketOwner] {
        let owners = table.owners(of: inode)
        if owners.isEmpty, inode != 0, !unattributed.contains(inode) { wantsScan = true }
        return owners
    }

    /// Scans again when the last refresh met a socket of unknown owner; true when it did.
    @discardableResult
    public func rescanIfNeeded(present inodes: some Sequence<UInt64>) -> Bool {
        guard wantsScan, let table = try? scanner.scan() else { return false }
        self.table = table
        wantsScan = false
        unattributed = Set(inodes.lazy.filter { $0 != 0 && table.owners(of: $0).isEmpty })
        return true
    }
}
