/// Locates sockets with one sock_diag socket per network namespace (opened
/// inside it once, kept), asking each for the endpoints; the namespace set
/// is discovered again every `refreshInterval`. One thread uses it.
public final class NamespaceLocator: SocketLocating {
    private let discovery: NamespaceDiscovery
    private let sockets = NamespaceSockets()
    private var identities: [UInt64: NetnsIdentity] = [:]
    private var lastRefresh: UInt64?
    private let tasks = TaskNetworkNamespaces()
    /// The discovery reads /proc/*/ns/net: every two seconds is often enough
    /// for containers that come and go, and cheap beside the trace.
    public static let refreshInterval: UInt64 = 2_000_000_000

    /// Discovers the namespaces now and opens a socket in each; throws when
    /// not even the tool's own namespace can be asked.
    public init(discovery: NamespaceDiscovery = NamespaceDiscovery()) throws {
        self.discovery = discovery
        try reload()
    }

    public var onlyNamespace: UInt64? {
        sockets.entries.count == 1 ? sockets.entries[0].namespace.identity.inode : nil
    }

    public var namespaceCount: Int { sockets.entries.count }

    /// Namespaces that could not be entered at the last refresh.
    public var deniedCount: Int { sockets.deniedCount }

    public func identity(of netns: UInt64) -> NetnsIdentity? { identities[netns] }

    public func locate(local: Endpoint, remote: Endpoint, in netns: UInt64?) -> [SocketSighting] {
        var sightings: [SocketSighting] = []
        for entry in sockets.entries {
            let inode = entry.namespace.identity.inode
            if let netns, inode != netns { continue }
            // A namespace that went away answers nothing: not found there.
            guard let found = try? entry.socket.lookup(local: local, remote: remote) else { continue }
            sightings.append(SocketSighting(netns: inode, state: found.kernelState))
        }
        return sightings
    }

    public func namespace(ofTask pid: Int32) -> UInt64? { tasks.inode(ofTask: pid) }

    public func refresh(now: UInt64) {
        if let lastRefresh, now &- lastRefresh < Self.refreshInterval { return }
        lastRefresh = now
        try? reload()
    }

    private func reload() throws {
        try sockets.refresh(discovery.discover())
        // Identities of namespaces that went away stay: arrows already seen in them may still be shown.
        for entry in sockets.entries { identities[entry.namespace.identity.inode] = entry.namespace.identity }
    }
}
