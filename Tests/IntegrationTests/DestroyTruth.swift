import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The kernel's own count of socket ends in one namespace: a plain
/// NETLINK_SOCK_DIAG socket bound to the TCP destroy groups, with a large
/// buffer, read on a thread of its own. Independent of tcpstates: it counts
/// raw messages by their ports and decodes nothing else.
final class DestroyTruth: @unchecked Sendable {
    struct Counts: Equatable, CustomStringConvertible {
        /// Connected sockets whose local port is the port: the server ends.
        var server = 0
        /// Sockets whose remote port is the port: the client ends.
        var client = 0
        /// Times the kernel said it dropped messages (then the counts are not the truth).
        var overflows = 0
        var description: String { "server \(server) client \(client) overflows \(overflows)" }
    }

    private let lock = NSLock()
    private var counts = Counts()
    private var failure: String?
    private var stopping = false
    private let done = DispatchSemaphore(value: 0)

    /// Subscribes inside namespace `namespace` (by its /run/netns name) and starts counting.
    init(namespace: String, port: UInt16) throws {
        let ready = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            defer { done.signal() }
            guard let fd = Self.subscribe(namespace: namespace) else {
                lock.withLock { failure = "cannot subscribe in \(namespace): \(String(cString: strerror(errno)))" }
                ready.signal()
                return
            }
            defer { close(fd) }
            ready.signal()
            read(fd, port: port)
        }
        thread.start()
        ready.wait()
        if let failure = lock.withLock({ failure }) { throw SubprocessError(description: failure) }
    }

    /// The counts so far.
    var current: Counts { lock.withLock { counts } }

    /// Stops the thread; the counts stay readable.
    func stop() {
        lock.withLock { stopping = true }
        done.wait()
    }

    /// setns on this thread only (it is the thread's own), then the socket.
    private static func subscribe(namespace: String) -> Int32? {
        typealias SetNS = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else { return nil }
        let setns = unsafeBitCast(symbol, to: SetNS.self)
        let namespaceFD = open("/run/netns/\(namespace)", O_RDONLY | O_CLOEXEC)
        guard namespaceFD >= 0 else { return nil }
        defer { close(namespaceFD) }
        guard setns(namespaceFD, 0x4000_0000) == 0 else { return nil }  // CLONE_NEWNET
        let fd = socket(16, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 4)  // AF_NETLINK, NETLINK_SOCK_DIAG
        guard fd >= 0 else { return nil }
        var size: Int32 = 256 << 20
        _ = setsockopt(fd, SOL_SOCKET, 33, &size, socklen_t(4))  // SO_RCVBUFFORCE
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // struct sockaddr_nl: family, pad, pid (0: the kernel picks), groups 1 | 4 (IPv4 and IPv6 TCP destroy).
        var address: [UInt8] = [16, 0, 0, 0, 0, 0, 0, 0, 0x05, 0, 0, 0]
        let bound = address.withUnsafeMutableBytes {
            bind(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(12))
        }
        guard bound == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    private func read(_ fd: Int32, port: UInt16) {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while !lock.withLock({ stopping }) {
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received < 0 {
                if errno == ENOBUFS { lock.withLock { counts.overflows += 1 } }
                continue  // EAGAIN after the timeout, EINTR
            }
            var offset = 0
            var server = 0, client = 0
            while offset + 24 <= received {
                let length = Int(UInt32(buffer[offset]) | UInt32(buffer[offset + 1]) << 8
                    | UInt32(buffer[offset + 2]) << 16 | UInt32(buffer[offset + 3]) << 24)
                let type = UInt16(buffer[offset + 4]) | UInt16(buffer[offset + 5]) << 8
                guard length >= 16, offset + length <= received else { break }
                if type == 20 {  // SOCK_DIAG_BY_FAMILY: nlmsghdr, then inet_diag_msg with be16 sport, dport at 4
                    let sport = UInt16(buffer[offset + 20]) << 8 | UInt16(buffer[offset + 21])
                    let dport = UInt16(buffer[offset + 22]) << 8 | UInt16(buffer[offset + 23])
                    if sport == port && dport != 0 { server += 1 } else if dport == port { client += 1 }
                }
                offset += (length + 3) & ~3
            }
            lock.withLock {
                counts.server += server
                counts.client += client
            }
        }
    }
}
