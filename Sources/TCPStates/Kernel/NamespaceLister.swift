/// The sockets of one network namespace, read on a worker thread and handed back by value.
public struct NamespaceConnections: Sendable {
    public var namespace: DiscoveredNamespace
    /// In the kernel's order; each carries the namespace's inode in `netnsInode`.
    public var connections: [Connection]
    public var source: SourceKind
    /// The listeners of `NamespaceLister.listenerFilter`, when it was set.
    public var listeners: [Connection] = []
    /// Fallbacks and skipped lines, one line each, for the caller to print.
    public var notices: [String]
}

/// Lists the sockets of several network namespaces: one sock_diag socket
/// per namespace (opened inside it), the namespaces read in parallel where
/// the cores allow, the results merged in the order the namespaces were given.
public struct NamespaceLister: Sendable {
    public var filter: ConnectionFilter
    public var kind: SourceKind
    /// idiag_ext of TCP dumps, as `ConnectionLister.extensions`.
    public var extensions: InetDiagExtensions = []
    /// Worker threads; nil for one per CPU the process may use.
    public var threads: Int?
    /// Whether a namespace that may not be entered is counted and skipped
    /// (`--all-netns`) or an error (namespaces the user named).
    public var skipsDenied = true
    /// When set, each namespace is also listed with this filter (the
    /// listeners that name ports in a summary), while inside it.
    public var listenerFilter: ConnectionFilter?

    public init(filter: ConnectionFilter, kind: SourceKind) {
        self.filter = filter
        self.kind = kind
    }

    /// What a listing of several namespaces gave; as a `ConnectionSource`,
    /// every connection, namespace after namespace.
    public struct Results: Sendable, ConnectionSource {
        /// One entry per namespace read, in the order given.
        public var namespaces: [NamespaceConnections]
        /// How many could not be entered for lack of privilege.
        public var deniedCount: Int

        /// Every connection, namespace after namespace, each namespace's in
        /// the kernel's order. `begin` gets, and this returns, the first
        /// namespace's source (the tool's own, when it is listed).
        @discardableResult
        public func list(into sink: inout some ConnectionSink) throws -> SourceKind {
            let source = namespaces.first?.source ?? .netlink
            try sink.begin(source: source)
            for namespace in namespaces {
                for connection in namespace.connections { try sink.add(connection) }
            }
            return source
        }

        /// The namespaces read, by inode, for the NETNS column and JSON.
        public var identities: [UInt64: NetnsIdentity] {
            Dictionary(namespaces.map { ($0.namespace.identity.inode, $0.namespace.identity) },
                       uniquingKeysWith: { first, _ in first })
        }
    }

    /// Reads every namespace of `namespaces`. A namespace that vanished since
    /// it was found is left out; one that may not be entered is counted; any
    /// other failure is thrown (the first in namespace order).
    public func list(_ namespaces: [DiscoveredNamespace]) throws -> Results {
        let this = self
        let results = NamespaceWorkers.map(
            count: namespaces.count, threads: threads ?? NamespaceWorkers.threadCount(jobs: namespaces.count)
        ) { index in
            Result { try this.listOne(namespaces[index]) }
        }
        var listing = Results(namespaces: [], deniedCount: 0)
        for result in results {
            switch result {
            case .success(let connections): listing.namespaces.append(connections)
            case .failure(let error as SourceError):
                switch NamespaceFailure(error) {
                case .denied where skipsDenied: listing.deniedCount += 1
                case .denied: throw error
                case .vanished: continue
                case .other: throw error
                }
            case .failure(let error): throw error
            }
        }
        return listing
    }

    /// Runs on a worker thread: enters the namespace (unless it is the
    /// tool's own), lists it with a socket opened there, and comes back.
    private func listOne(_ namespace: DiscoveredNamespace) throws -> NamespaceConnections {
        var lister = ConnectionLister(filter: filter, kind: kind)
        lister.extensions = extensions
        // /proc/net is the thread group leader's namespace; thread-self/net is this thread's.
        lister.procNetDirectory = "/proc/thread-self/net"
        var notices: [String] = []
        lister.notice = { notices.append($0) }
        var collector = ConnectionCollector()
        var listeners = ConnectionCollector()
        func read() throws -> SourceKind {
            if let listenerFilter {
                var listerOfListeners = lister
                listerOfListeners.filter = listenerFilter
                try listerOfListeners.list(into: &listeners)
            }
            return try lister.list(into: &collector)
        }
        let source = namespace.isOwn
            ? try read()
            : try NetworkNamespace.withEntered(namespace.path, inode: namespace.identity.inode) { try read() }
        let inode = namespace.identity.inode
        var connections = collector.connections
        for index in connections.indices { connections[index].netnsInode = inode }
        var result = NamespaceConnections(namespace: namespace, connections: connections, source: source, notices: notices)
        result.listeners = listeners.connections
        return result
    }
}
