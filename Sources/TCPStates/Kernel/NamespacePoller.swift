/// Polls several network namespaces again and again with one kept sock_diag
/// socket each, for the watch: each `list(into:)` finds the namespaces anew,
/// opens sockets in the ones that appeared, closes those of the ones that
/// went away, and dumps every namespace with its own socket. Rows carry
/// their namespace's inode in `netnsInode`. Used by one thread.
public final class NamespacePoller: ConnectionSource {
    public var filter: ConnectionFilter
    public var extensions: InetDiagExtensions = []
    /// The namespaces to poll, found anew at every poll.
    public var discover: () throws -> [DiscoveredNamespace]
    /// The sockets kept between polls.
    public let sockets = NamespaceSockets()
    /// What the last poll opened and closed.
    public private(set) var lastChanges = NamespaceSockets.Changes()
    /// Told of each poll's fallbacks and failures, one line each.
    public var notice: (String) -> Void = { _ in }

    /// Polls the namespaces of `selection` (every one: those that may not be
    /// entered are counted in `sockets.deniedCount` and left out).
    public init(selection: NamespaceSelection, filter: ConnectionFilter) {
        self.filter = filter
        discover = { try selection.resolve() }
    }

    /// Every namespace's sockets, namespace after namespace, each in the kernel's order.
    @discardableResult
    public func list(into sink: inout some ConnectionSink) throws -> SourceKind {
        lastChanges = try sockets.refresh(try discover())
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
            for var connection in collector.connections {
                connection.netnsInode = namespace.identity.inode
                try sink.add(connection)
            }
        }
        return .netlink
    }

    /// The namespaces polled last, by inode, for the NETNS column and events.
    public var identities: [UInt64: NetnsIdentity] {
        Dictionary(sockets.entries.map { ($0.namespace.identity.inode, $0.namespace.identity) },
                   uniquingKeysWith: { first, _ in first })
    }
}
