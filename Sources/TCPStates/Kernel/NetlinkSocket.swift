import CMNL
#if canImport(Glibc)
import Glibc
#endif

/// A NETLINK_SOCK_DIAG socket: the only code that talks to the kernel over netlink.
public final class NetlinkSocket {
    let socket: OpaquePointer
    /// The last request's nlmsg_seq (the destroy extension counts on it too).
    var sequence: UInt32 = 1
    /// 32 KiB or more, or the kernel splits a dump into many more messages.
    private var receiveBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Opens and binds the socket; fails when the kernel has no sock_diag or
    /// the process may not open netlink sockets.
    public init() throws(SourceError) {
        guard let socket = mnl_socket_open(NETLINK_SOCK_DIAG) else {
            throw SourceError.system("cannot open a netlink sock_diag socket", errno)
        }
        guard mnl_socket_bind(socket, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let code = errno
            mnl_socket_close(socket)
            throw SourceError.system("cannot bind the netlink sock_diag socket", code)
        }
        self.socket = socket
    }

    deinit { mnl_socket_close(socket) }

    /// Sends one dump request (of both families when `family` is nil) and
    /// decodes the reply until NLMSG_DONE.
    /// `capture`, when given, receives every raw reply buffer as read.
    public func dump(
        family: AddressFamily?, stateMask: UInt32, bytecode: [UInt8]?,
        transport: TransportProtocol = .tcp, extensions: InetDiagExtensions = [],
        capture: ((UnsafeRawBufferPointer) -> Void)? = nil,
        _ body: (Connection) throws -> Void
    ) throws {
        sequence &+= 1
        let request = InetDiagRequest.dump(
            family: family, stateMask: stateMask, bytecode: bytecode, sequence: sequence,
            transport: transport, extensions: extensions)
        let sent = request.withUnsafeBytes { mnl_socket_sendto(socket, $0.baseAddress, $0.count) }
        guard sent >= 0 else { throw SourceError.system("netlink sock_diag request failed", errno) }
        let capacity = receiveBuffer.count
        while true {
            let progress = try receiveBuffer.withUnsafeMutableBytes { raw -> InetDiagDecoder.Progress in
                var received: Int
                repeat {
                    received = mnl_socket_recvfrom(socket, raw.baseAddress, capacity)
                } while received < 0 && errno == EINTR
                guard received >= 0 else {
                    throw SourceError.system("netlink sock_diag reply failed", errno)
                }
                let reply = UnsafeRawBufferPointer(rebasing: raw[..<received])
                capture?(reply)
                if received == 0 { return .done }
                do {
                    return try InetDiagDecoder.decode(reply, transport: transport, body)
                } catch let error as InetDiagReplyError {
                    switch error {
                    case .kernel(let code):
                        throw SourceError.system("netlink sock_diag dump failed", code)
                    case .malformed(let why):
                        throw SourceError("netlink sock_diag reply unreadable: \(why)")
                    }
                }
            }
            if progress == .done { return }
        }
    }

    /// The one socket with exactly these endpoints (a timewait socket
    /// included), or nil when there is none.
    public func lookup(local: Endpoint, remote: Endpoint) throws -> Connection? {
        sequence &+= 1
        let request = InetDiagRequest.lookup(local: local, remote: remote, sequence: sequence)
        let sent = request.withUnsafeBytes { mnl_socket_sendto(socket, $0.baseAddress, $0.count) }
        guard sent >= 0 else { throw SourceError.system("netlink sock_diag lookup failed", errno) }
        let capacity = receiveBuffer.count
        return try receiveBuffer.withUnsafeMutableBytes { raw -> Connection? in
            var received: Int
            repeat {
                received = mnl_socket_recvfrom(socket, raw.baseAddress, capacity)
            } while received < 0 && errno == EINTR
            guard received >= 0 else { throw SourceError.system("netlink sock_diag reply failed", errno) }
            var found: Connection?
            do {
                _ = try InetDiagDecoder.decode(UnsafeRawBufferPointer(rebasing: raw[..<received])) { found = $0 }
            } catch InetDiagReplyError.kernel(let code) where code == ENOENT {
                return nil
            } catch let error as InetDiagReplyError {
                throw SourceError("netlink sock_diag lookup failed: \(error)")
            }
            // A lookup falls back to a listener on the local endpoint: not this socket.
            guard let found, found.local == local, found.remote == remote else { return nil }
            return found
        }
    }
}
