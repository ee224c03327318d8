import CMNL
#if canImport(Glibc)
import Glibc
#endif

/// A NETLINK_SOCK_DIAG socket subscribed to the TCP destroy multicast
/// groups: the kernel sends one inet_diag_msg (state CLOSED) for every full
/// TCP socket it frees, so that sockets living less than a refresh are still
/// seen. Works unprivileged. TIME_WAIT expiry sends nothing.
public final class DestroyListener {
    private let socket: OpaquePointer
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// The descriptor to poll for readability.
    public var fileDescriptor: Int32 { mnl_socket_get_fd(socket) }

    public init() throws(SourceError) {
        guard let socket = mnl_socket_open(NETLINK_SOCK_DIAG) else {
            throw SourceError.system("cannot open a netlink sock_diag socket", errno)
        }
        // nl_groups bit (group - 1): SKNLGRP_INET_TCP_DESTROY and SKNLGRP_INET6_TCP_DESTROY.
        let groups = UInt32(1) << (UInt32(SKNLGRP_INET_TCP_DESTROY.rawValue) - 1)
            | UInt32(1) << (UInt32(SKNLGRP_INET6_TCP_DESTROY.rawValue) - 1)
        guard mnl_socket_bind(socket, groups, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let code = errno
            mnl_socket_close(socket)
            throw SourceError.system("cannot subscribe to sock_diag destroy events", code)
        }
        let fd = mnl_socket_get_fd(socket)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        // Bursts of closes queue up between reads; a larger buffer loses fewer.
        var size: Int32 = 4 << 20
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        self.socket = socket
    }

    deinit { mnl_socket_close(socket) }

    /// Reads every queued message without blocking and calls `body` for each
    /// destroyed socket. Returns false when the kernel dropped messages
    /// because the queue overflowed (ENOBUFS).
    public func drain(_ body: (Connection) throws -> Void) throws -> Bool {
        var complete = true
        while true {
            let received = buffer.withUnsafeMutableBytes { mnl_socket_recvfrom(socket, $0.baseAddress, $0.count) }
            if received < 0 {
                switch errno {
                case EINTR: continue
                case EAGAIN: return complete
                case ENOBUFS: complete = false; continue
                default: throw SourceError.system("reading sock_diag destroy events failed", errno)
                }
            }
            try buffer.withUnsafeBytes { raw in
                do {
                    _ = try InetDiagDecoder.decode(UnsafeRawBufferPointer(rebasing: raw[..<received]), body)
                } catch let error as InetDiagReplyError {
                    throw SourceError("sock_diag destroy event unreadable: \(error)")
                }
            }
        }
    }
}
