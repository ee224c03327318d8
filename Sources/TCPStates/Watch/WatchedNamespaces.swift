/// The namespaces a watch follows when it follows several (`--all-netns`,
/// `--netns a,b`): at every poll they are found anew, a destroy listener is
/// opened in each new one before its first dump, and every one is dumped
/// with its own kept socket. A namespace is gone when the poll's discovery
/// no longer finds it: for `--all-netns`, no name under /run/netns and no
/// process holds it; for `--netns`, its name or path no longer names it.
/// Its sockets are then missing from the poll, so the tracker closes them
/// once, and its listener and dump socket are closed, which lets the kernel
/// free it (a socket keeps its namespace alive). Used on the watch's thread.
public final class WatchedNamespaces {
    private let selection: NamespaceSelection
    private let poller: NamespacePoller
    private let listeners: NamespaceDestroyListeners?
    private let notice: (String) -> Void
    private var polls = 0
    private var saidDenied = false
    /// Namespaces gone lately, oldest first: their labels stay for the events that close their sockets.
    private var gone: [UInt64] = []
    private static let goneLabelsKept = 1024

    /// The namespaces polled and those gone lately, by inode, for the NETNS column and the `netns` member.
    public private(set) var identities: [UInt64: NetnsIdentity] = [:]

    /// `destroyEvents` is what each namespace's destroy listener subscribes
    /// to, nil for none (polling only); `kind` where sockets are read from.
    public init(
        selection: NamespaceSelection, filter: ConnectionFilter, extensions: InetDiagExtensions, kind: SourceKind,
        accepts: ((Connection) -> Bool)?, destroyEvents: DestroyListener.Configuration?, notice: @escaping (String) -> Void
    ) throws(SourceError) {
        self.selection = selection
        self.notice = notice
        poller = NamespacePoller(selection: selection, filter: filter)
        poller.extensions = extensions
        poller.kind = kind
        poller.accepts = accepts
        poller.notice = notice
        listeners = try destroyEvents.map { configuration throws(SourceError) in try NamespaceDestroyListeners(configuration) }
    }

    /// Becomes readable when destroyed sockets wait in `takeDestroyed()`; nil without listeners.
    public var destroyFileDescriptor: Int32? { listeners?.fileDescriptor }

    /// What the listeners of every namespace read since the last call.
    public func takeDestroyed() -> DestroyBatch? { listeners?.take() }

    /// One poll of every namespace into `sink`; returns the source used.
    public func poll(into sink: inout some ConnectionSink) throws -> SourceKind {
        // After the first poll, a name that no longer names a namespace is one that has gone.
        let namespaces = try selection.resolve(skipsMissing: polls > 0)
        if let listeners, poller.kind != .proc {
            let changes = listeners.refresh(namespaces)
            if let (namespace, error) = changes.failed.first {
                notice("no sock_diag destroy events in \(changes.failed.count) network namespace\(changes.failed.count == 1 ? "" : "s") "
                    + "(\(namespace.identity.label): \(error.message)): polling only there, "
                    + "sockets that open and close between refreshes are missed")
            }
        }
        let source = try poller.list(namespaces, into: &sink)
        polls += 1
        if poller.deniedCount > 0, !saidDenied {
            saidDenied = true
            notice("could not enter \(poller.deniedCount) of \(namespaces.count) network namespaces (that needs CAP_SYS_ADMIN): watching the rest")
        }
        let current = poller.identities
        for inode in identities.keys where current[inode] == nil && !gone.contains(inode) { gone.append(inode) }
        gone.removeAll { current[$0] != nil }
        if gone.count > Self.goneLabelsKept { gone.removeFirst(gone.count - Self.goneLabelsKept) }
        var identities = current
        for inode in gone { identities[inode] = self.identities[inode] }
        self.identities = identities
        return source
    }
}
