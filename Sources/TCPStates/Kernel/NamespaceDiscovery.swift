#if canImport(Glibc)
import Glibc
#endif

/// A network namespace found on the machine and the path that opens it.
public struct DiscoveredNamespace: Hashable, Sendable {
    public var identity: NetnsIdentity
    /// /run/netns/NAME or /proc/PID/ns/net: what `NetworkNamespace.withEntered` takes.
    public var path: String
    /// Whether it is the namespace the tool runs in (entering it is not needed).
    public var isOwn: Bool

    public init(identity: NetnsIdentity, path: String, isOwn: Bool) {
        self.identity = identity
        self.path = path
        self.isOwn = isOwn
    }
}

extension Sequence<DiscoveredNamespace> {
    /// The identities by inode, for the NETNS column and the `netns` JSON member.
    public var identitiesByInode: [UInt64: NetnsIdentity] {
        Dictionary(map { ($0.identity.inode, $0.identity) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Finds every network namespace on the machine: the named ones
/// (/run/netns, what `ip netns add` makes), the ones only processes hold
/// (/proc/PID/ns/net, one per inode, remembering the lowest pid), and the
/// tool's own. Unprivileged, the namespaces of other users' processes cannot
/// be seen: what is found is what may be looked at.
public struct NamespaceDiscovery {
    /// Where procfs is mounted.
    public var procDirectory = "/proc"
    /// Where `ip netns` keeps its names.
    public var namedDirectory = "/run/netns"

    public init() {}

    /// Every namespace found, in the order listings use: the tool's own
    /// first, then the named ones by name, then the rest by inode.
    public func discover() -> [DiscoveredNamespace] {
        let own = NetworkNamespace.inode(at: procDirectory + "/thread-self/ns/net")
        let holders = holdersByInode()
        var found: [UInt64: DiscoveredNamespace] = [:]
        for (name, inode) in named() where found[inode] == nil {
            found[inode] = DiscoveredNamespace(
                identity: NetnsIdentity(inode: inode, name: name), path: namedDirectory + "/" + name, isOwn: inode == own)
        }
        for (inode, pid) in holders {
            if found[inode] == nil {
                found[inode] = DiscoveredNamespace(
                    identity: NetnsIdentity(inode: inode), path: "\(procDirectory)/\(pid)/ns/net", isOwn: inode == own)
            }
            found[inode]?.identity.holderPID = pid
            found[inode]?.identity.container = container(of: pid)
        }
        if let own, found[own] == nil {
            found[own] = DiscoveredNamespace(
                identity: NetnsIdentity(inode: own), path: procDirectory + "/thread-self/ns/net", isOwn: true)
        }
        return found.values.sorted(by: Self.listingOrder)
    }

    /// Own first, then named by name, then by inode.
    static func listingOrder(_ a: DiscoveredNamespace, _ b: DiscoveredNamespace) -> Bool {
        if a.isOwn != b.isOwn { return a.isOwn }
        switch (a.identity.name, b.identity.name) {
        case let (x?, y?): return x == y ? a.identity.inode < b.identity.inode : x < y
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a.identity.inode < b.identity.inode
        }
    }

    /// The named namespaces: (name, inode), skipping files that are not
    /// namespaces (a name whose mount went away) and names that are not UTF-8.
    func named() -> [(String, UInt64)] {
        guard let directory = opendir(namedDirectory) else { return [] }
        defer { closedir(directory) }
        var result: [(String, UInt64)] = []
        while let entry = readdir(directory) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            guard let name = String(validating: bytes, as: UTF8.self), name != ".", name != ".." else { continue }
            if let inode = NetworkNamespace.inode(at: namedDirectory + "/" + name) { result.append((name, inode)) }
        }
        return result
    }

    /// Each namespace that processes hold, with the lowest pid holding it.
    func holdersByInode() -> [UInt64: Int32] {
        guard let proc = opendir(procDirectory) else { return [:] }
        defer { closedir(proc) }
        let procFD = dirfd(proc)
        var holders: [UInt64: Int32] = [:]
        while let entry = readdir(proc) {
            let pid = withUnsafeBytes(of: entry.pointee.d_name) { raw -> Int32? in
                Int32(String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self))
            }
            guard let pid, pid > 0 else { continue }
            var info = stat()
            // Other users' processes answer EACCES unprivileged; kernel threads share init's namespace.
            guard fstatat(procFD, "\(pid)/ns/net", &info, 0) == 0 else { continue }
            let inode = UInt64(info.st_ino)
            if let known = holders[inode], known < pid { continue }
            holders[inode] = pid
        }
        return holders
    }

    /// The container that /proc/PID/cgroup names, if any.
    func container(of pid: Int32) -> ContainerLabel? {
        let fd = open("\(procDirectory)/\(pid)/cgroup", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 16 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return ContainerCgroupParser.container(cgroupFile: Substring(String(decoding: bytes, as: UTF8.self)))
    }
}
