import CMNL
#if canImport(Glibc)
import Glibc
#endif

/// How one SOCK_DESTROY request ended.
public enum DestroyResult: Equatable, Sendable {
    /// The kernel ended the socket: its owner reads ECONNABORTED, the peer gets a RST.
    case killed
    /// ENOENT: no socket with those endpoints and that cookie any more (it
    /// closed on its own between the listing and the request).
    case gone
    /// Anything else: EPERM without CAP_NET_ADMIN, EOPNOTSUPP on a kernel
    /// without CONFIG_INET_DIAG_DESTROY, ... (a positive errno).
    case failed(errno: Int32)

    /// Whether the socket no longer exists afterwards.
    public var isGone: Bool {
        if case .failed = self { return false }
        return true
    }

    /// The result an acknowledgement says (NLMSG_ERROR, error 0 or -errno);
    /// pure, for the bytes of one reply.
    public init(acknowledgement reply: UnsafeRawBufferPointer) throws(InetDiagReplyError) {
        do {
            _ = try InetDiagDecoder.decode(reply) { _ in
                throw InetDiagReplyError.malformed("a socket in the answer to SOCK_DESTROY")
            }
        } catch InetDiagReplyError.kernel(let code) {
            self = code == ENOENT ? .gone : .failed(errno: code)
            return
        } catch let error as InetDiagReplyError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
        guard reply.count >= CMNL_nlmsg_hdrlen() + 4,
              reply.loadUnaligned(fromByteOffset: 4, as: UInt16.self) == UInt16(NLMSG_ERROR) else {
            throw .malformed("no acknowledgement in the answer to SOCK_DESTROY")
        }
        self = .killed
    }
}

extension InetDiagRequest {
    /// SOCK_DESTROY for `connection` as a dump reported it: its whole
    /// inet_diag_sockid (endpoints, interface and cookie, so that a new
    /// socket on the same endpoints is never hit), NLM_F_REQUEST | NLM_F_ACK.
    /// The bytes `ss -K` sends for the same socket.
    public static func destroy(_ connection: Connection, sequence: UInt32) -> [UInt8] {
        message(type: SOCK_DESTROY, family: connection.family, stateMask: 0, flags: NLM_F_REQUEST | NLM_F_ACK,
                bytecode: nil, sequence: sequence, transport: connection.transport) { request in
            storeSocketID(local: connection.local, remote: connection.remote, interface: connection.boundInterface,
                          cookie: connection.cookie, into: request)
        }
    }
}
