/// Which network namespaces a listing covers when it covers more than one:
/// every one on the machine (`--all-netns`) or those named (`--netns a,b`).
public enum NamespaceSelection: Equatable, Sendable {
    case all
    /// Names under /run/netns or paths such as /proc/PID/ns/net.
    case named([String])

    /// Whether a namespace that may not be entered is skipped and counted
    /// (every namespace: the unprivileged see their own) rather than an
    /// error (one the user named).
    public var skipsDenied: Bool { self == .all }

    /// The namespaces to read, each once, in `NamespaceDiscovery` order for
    /// `.all` and in the order named otherwise. What discovery knows of a
    /// named one (its holder, its container) is added to it. A name or path
    /// that names no namespace is an error, unless `skipsMissing` (a watch
    /// after its first poll: that namespace has vanished).
    public func resolve(
        _ discovery: NamespaceDiscovery = NamespaceDiscovery(), skipsMissing: Bool = false
    ) throws(SourceError) -> [DiscoveredNamespace] {
        let found = discovery.discover()
        guard case .named(let entries) = self else { return found }
        let known = Dictionary(found.map { ($0.identity.inode, $0) }, uniquingKeysWith: { first, _ in first })
        var seen: Set<UInt64> = []
        var result: [DiscoveredNamespace] = []
        for entry in entries {
            guard !entry.isEmpty, entry != ".", entry != ".." else {
                throw SourceError("'\(entry)' is not a network namespace name")
            }
            let path = NetworkNamespace.path(for: entry)
            guard let inode = NetworkNamespace.inode(at: path) else {
                if skipsMissing { continue }
                if !entry.contains("/") {
                    throw SourceError("no network namespace named '\(entry)' (\(path) does not exist)")
                }
                throw SourceError("\(path) is not a network namespace (or cannot be read)")
            }
            guard seen.insert(inode).inserted else { continue }
            var namespace = known[inode] ?? DiscoveredNamespace(
                identity: NetnsIdentity(inode: inode), path: path, isOwn: inode == NetworkNamespace.currentInode())
            if !entry.contains("/") { namespace.identity.name = entry }
            namespace.path = path
            result.append(namespace)
        }
        return result
    }
}
