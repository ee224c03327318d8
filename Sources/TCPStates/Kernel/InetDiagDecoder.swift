import CMNL

/// A failure reported inside a netlink reply, or a reply that cannot be read.
public enum InetDiagReplyError: Error, Equatable, Sendable {
    /// The kernel answered with an error (NLMSG_ERROR or a failed NLMSG_DONE): a positive errno.
    case kernel(errno: Int32)
    /// A message too short for what its type promises.
    case malformed(String)
}

/// Decodes sock_diag dump replies: pure, from bytes to connections.
public enum InetDiagDecoder {
    /// What a buffer of messages ended with.
    public enum Progress: Equatable, Sendable {
        /// The dump goes on in the next buffer.
        case more
        /// NLMSG_DONE was seen.
        case done
    }

    /// Size of struct inet_diag_msg.
    static let messageSize = 72

    /// Decodes every message of one received buffer, calling `body` for each
    /// socket; the messages do not say which protocol was dumped: `transport` does.
    public static func decode(
        _ buffer: UnsafeRawBufferPointer, transport: TransportProtocol = .tcp,
        _ body: (Connection) throws -> Void
    ) throws -> Progress {
        var progress = Progress.more
        try forEachMessage(buffer) { type, _, payload in
            switch Int32(type) {
            case NLMSG_DONE:
                if payload.count >= 4, payload.loadUnaligned(as: Int32.self) < 0 {
                    throw failure(payload.loadUnaligned(as: Int32.self))
                }
                progress = .done
                return false
            case NLMSG_ERROR:
                guard payload.count >= 4 else { throw InetDiagReplyError.malformed("short NLMSG_ERROR") }
                let code = payload.loadUnaligned(as: Int32.self)
                if code != 0 { throw failure(code) }
            case Int32(SOCK_DIAG_BY_FAMILY), Int32(TCPDIAG_GETSOCK):
                var socket = try connection(from: payload)
                socket.transport = transport
                try body(socket)
            default:
                break  // NLMSG_NOOP and anything new: nothing to list.
            }
            return true
        }
        return progress
    }

    /// Walks the netlink messages of one received buffer: `body` gets each
    /// one's type, sequence number and payload, and returns whether to go on.
    /// Headers are read with loadUnaligned: the bytes may come from anywhere
    /// (a file, a fuzzer), at any alignment.
    static func forEachMessage(
        _ buffer: UnsafeRawBufferPointer, _ body: (_ type: UInt16, _ sequence: UInt32, UnsafeRawBufferPointer) throws -> Bool
    ) rethrows {
        let headerLength = CMNL_nlmsg_hdrlen()
        var offset = 0
        while buffer.count - offset >= headerLength {
            let length = Int(buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let type = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)
            let sequence = buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            // What mnl_nlmsg_ok checks: a message that claims more than is left ends the buffer.
            guard length >= headerLength, length <= buffer.count - offset else { break }
            let payload = UnsafeRawBufferPointer(rebasing: buffer[(offset + headerLength)..<(offset + length)])
            guard try body(type, sequence, payload) else { return }
            offset += CMNL_align(length)
        }
    }

    /// The error a nonzero NLMSG_ERROR or NLMSG_DONE code stands for: the
    /// kernel sends a negative errno; anything else (Int32.min cannot even be
    /// negated) is a malformed reply.
    static func failure(_ code: Int32) -> InetDiagReplyError {
        code < 0 && code > Int32.min ? .kernel(errno: -code) : .malformed("netlink error code \(code)")
    }

    /// Reads one inet_diag_msg (include/uapi/linux/inet_diag.h).
    static func connection(from message: UnsafeRawBufferPointer) throws -> Connection {
        guard message.count >= messageSize else {
            throw InetDiagReplyError.malformed("inet_diag_msg of \(message.count) bytes, expected \(messageSize)")
        }
        let family: AddressFamily
        switch message[0] {
        case AddressFamily.ipv4.rawValue: family = .ipv4
        case AddressFamily.ipv6.rawValue: family = .ipv6
        default: throw InetDiagReplyError.malformed("inet_diag_msg of address family \(message[0])")
        }
        func address(at offset: Int) -> IPAddress {
            if family == .ipv4 {
                return IPAddress(ipv4: UInt32(bigEndian: message.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            }
            return IPAddress(
                ipv6High: UInt64(bigEndian: message.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
                low: UInt64(bigEndian: message.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
        }
        func port(at offset: Int) -> UInt16 {
            UInt16(bigEndian: message.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        }
        func word(at offset: Int) -> UInt32 { message.loadUnaligned(fromByteOffset: offset, as: UInt32.self) }
        var connection = Connection(
            kernelState: message[1],
            local: Endpoint(address: address(at: 8), port: port(at: 4)),
            remote: Endpoint(address: address(at: 24), port: port(at: 6)),
            recvQueue: word(at: 56),
            sendQueue: word(at: 60),
            uid: word(at: 64),
            inode: UInt64(word(at: 68)))
        connection.boundInterface = word(at: 40)
        // inet_diag_sockid.idiag_cookie: two u32 in host order, low word first.
        connection.cookie = UInt64(word(at: 44)) | UInt64(word(at: 48)) << 32
        connection.timer = SocketTimer(kernelKind: message[2], expiresMs: word(at: 52), retransmits: message[3])
        connection.tcpInfo = tcpInfo(attributes: UnsafeRawBufferPointer(rebasing: message[messageSize...]))
        return connection
    }

    // include/uapi/linux/inet_diag.h
    static let infoAttribute: UInt16 = 2        // INET_DIAG_INFO
    static let congestionAttribute: UInt16 = 4  // INET_DIAG_CONG

    /// The tcp_info and congestion algorithm among the attributes after
    /// inet_diag_msg, nil without INET_DIAG_INFO. A truncated attribute ends the walk.
    static func tcpInfo(attributes: UnsafeRawBufferPointer) -> TCPInfo? {
        var info: TCPInfo?
        var congestion: [UInt8]?
        var offset = 0
        while offset + 4 <= attributes.count {
            let length = Int(attributes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let type = attributes.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) & 0x3FFF
            guard length >= 4, offset + length <= attributes.count else { break }
            let payload = UnsafeRawBufferPointer(rebasing: attributes[(offset + 4)..<(offset + length)])
            if type == infoAttribute {
                info = TCPInfo(kernel: payload)
            } else if type == congestionAttribute {
                congestion = Array(payload.prefix { $0 != 0 })
            }
            offset += (length + 3) & ~3
        }
        info?.congestion = congestion
        return info
    }
}
