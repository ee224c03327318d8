import CMNL
import Testing
@testable import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// A private network namespace that nothing else can see: made by unshare on
/// the calling thread, which then returns home; the descriptor keeps it alive.
final class PrivateNamespace {
    let fd: Int32
    let inode: UInt64

    init() throws {
        let home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        try #require(home >= 0)
        defer { close(home) }
        try #require(CMNL_unshare_network_namespace() == 0, "unshare(CLONE_NEWNET): errno \(errno)")
        fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        let back = CMNL_setns_net(home)
        try #require(fd >= 0 && back == 0, "cannot come back home: errno \(errno)")
        var info = stat()
        try #require(fstat(fd, &info) == 0)
        inode = UInt64(info.st_ino)
    }

    deinit { close(fd) }

    var discovered: DiscoveredNamespace {
        DiscoveredNamespace(identity: NetnsIdentity(inode: inode), path: "/proc/self/fd/\(fd)", isOwn: false)
    }
}

/// A TCP listener on an ephemeral port of 0.0.0.0, and its socket inode.
func listener() throws -> (fd: Int32, inode: UInt64) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(fd >= 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    try #require(bound == 0 && listen(fd, 4) == 0, "errno \(errno)")
    var info = stat()
    try #require(fstat(fd, &info) == 0)
    return (fd, UInt64(info.st_ino))
}

func listenerInodes(_ socket: NetlinkSocket) throws -> Set<UInt64> {
    var inodes: Set<UInt64> = []
    try socket.dump(family: nil, stateMask: KernelTCPState.maskBit(KernelTCPState.listen), bytecode: nil) {
        inodes.insert($0.inode)
    }
    return inodes
}
