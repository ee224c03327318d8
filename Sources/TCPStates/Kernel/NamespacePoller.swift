/// Polls several network namespaces again and again with one kept sock_diag
/// socket each, for the watch: each `list(into:)` finds the namespaces anew,
/// opens sockets in the ones that appeared, closes those of the ones that
/// went away, and dumps every namespace with its own socket. Rows carry
/// their namespace's inode in `netnsInode`. With `kind` `.proc` (or after a
/// fallback from `.auto`), each poll reads every namespace's /proc/net on
/// worker threads instead. Used by one thread.
public final class NamespacePoller: ConnectionSource {
    public var filter: ConnectionFilter
    public var extensions: InetDiagExtensions = []
    /// Where sockets are read from: netlink (`.auto` falls back to /proc
    /// when no sock_diag socket can be opened) or /proc.
    public var kind: SourceKind = .netlink
    /// A last test after `filter`, for what needs more than the socket (its owners).
    public var accepts: ((Connection) -> Bool)?
    /// Whether a namespace that may not be entered is counted (`--all-netns`)
    /// or an error (one the user named).
    public var skipsDenied = true
    /// The namespaces to poll, found anew at every poll.
    public var discover: () throws -> [DiscoveredNamespace]
    /// The sockets kept between polls.
    public let sockets = NamespaceSockets()
    /// What the last poll opened and closed.
    public private(set) var lastChanges = NamespaceSockets.Changes()
    /// How many namespaces the last poll could not enter (unprivileged).
    public private(set) var deniedCount = 0
    /// Told of each poll's fallbacks and failures, one line each.
    public var notice: (String) -> Void = { _ in }
    /// The namespaces a /proc poll read, by inode.
    private var procIdentities: [UInt64: NetnsIdentity] = [:]

    /// Polls the namespaces of `selection` (every one: those that may not be
    /// entered are counted in `deniedCount` and left out).
    public init(selection: NamespaceSelection, filter: ConnectionFilter) {
        self.filter = filter
        skipsDenied = selection.skipsDenied
        discover = { try selection.resolve() }
    }

    /// Every namespace's sockets, namespace after namespace, each in the kernel's order.
    @discardableResult
    public func list(into sink: inout some ConnectionSink) throws -> SourceKind {
        try list(try discover(), into: &sink)
    }

    /// The sockets of `namespaces`, found by the caller (who may have opened
    /// destroy listeners in the new ones first).
    @discardableResult
    public func list(_ namespaces: [DiscoveredNamespace], into sink: inout some ConnectionSink) throws -> SourceKind {
        if kind == .proc { return try listFromProc(namespaces, into: &sink) }
        do {
            lastChanges = try sockets.refresh(namespaces, skipsDenied: skipsDenied)
        } catch let error as SourceError where kind == .auto && sockets.entries.isEmpty && !error.isNamespaceFailure {
            notice("netlink unavailable (\(error.message)); reading /proc/net/tcp instead")
            kind = .proc
            return try listFromProc(namespaces, into: &sink)
        }
        kind = .netlink
        deniedCount = sockets.deniedCount
        try sink.begin(source: .netlink)
        for (namespace, socket) in sockets.entries {
            var lister = ConnectionLister(filter: filter, kind: .netlink)
            lister.extensions = extensions
            lister.openSocket = { socket }
            lister.notice = notice
            var collector = ConnectionCollector()
            do {
                try lister.list(into: &collector)
            } catch let error as SourceError {
                // A namespace can go between its discovery and its dump: the next poll closes its socket.
                notice("\(namespace.identity.label): \(error.message)")
                continue
            }
            try add(collector.connections, of: namespace, into: &sink)
        }
        return .netlink
    }

    /// Each namespace entered on a worker thread and its /proc/net read there.
    private func listFromProc(_ namespaces: [DiscoveredNamespace], into sink: inout some ConnectionSink) throws -> SourceKind {
        var reader = NamespaceLister(filter: filter, kind: .proc)
        reader.skipsDenied = skipsDenied
        let results = try reader.list(namespaces)
        deniedCount = results.deniedCount
        procIdentities = results.identities
        try sink.begin(source: .proc)
        for read in results.namespaces {
            for line in read.notices { notice("\(read.namespace.identity.label): \(line)") }
            try add(read.connections, of: read.namespace, into: &sink)
        }
        return .proc
    }

    private func add(_ connections: [Connection], of namespace: DiscoveredNamespace, into sink: inout some ConnectionSink) throws {
        for var connection in connections {
            connection.netnsInode = namespace.identity.inode
            if let accepts, !accepts(connection) { continue }
            try sink.add(connection)
        }
    }

    /// The namespaces polled last, by inode, for the NETNS column and events.
    public var identities: [UInt64: NetnsIdentity] {
        kind == .proc ? procIdentities : sockets.entries.map(\.namespace).identitiesByInode
    }
}

extension SourceError {
    /// Whether it says a namespace could not be entered or has gone, rather than that netlink failed.
    var isNamespaceFailure: Bool {
        if case .other = NamespaceFailure(self) { return false }
        return true
    }
}
