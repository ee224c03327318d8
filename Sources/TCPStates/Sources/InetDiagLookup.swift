import CMNL
#if canImport(Glibc)
import Glibc
#endif

extension InetDiagRequest {
    /// The bytes of a request for the one socket with these endpoints (no
    /// dump: the kernel looks it up in its hash, TIME_WAIT included).
    public static func lookup(_ key: ConnectionKey, sequence: UInt32) -> [UInt8] {
        let requestSize = MemoryLayout<inet_diag_req_v2>.size
        var buffer = [UInt8](repeating: 0, count: CMNL_nlmsg_hdrlen() + CMNL_align(requestSize))
        buffer.withUnsafeMutableBytes { raw in
            let header = mnl_nlmsg_put_header(raw.baseAddress)!
            header.pointee.nlmsg_type = UInt16(SOCK_DIAG_BY_FAMILY)
            header.pointee.nlmsg_flags = UInt16(NLM_F_REQUEST)
            header.pointee.nlmsg_seq = sequence
            let payload = mnl_nlmsg_put_extra_header(header, requestSize)!
            var request = inet_diag_req_v2()
            request.sdiag_family = key.family.rawValue
            request.sdiag_protocol = UInt8(IPPROTO_TCP)
            request.idiag_states = 0xFFF
            request.id.idiag_sport = key.local.port.bigEndian
            request.id.idiag_dport = key.remote.port.bigEndian
            store(key.local.address, into: &request.id.idiag_src)
            store(key.remote.address, into: &request.id.idiag_dst)
            // INET_DIAG_NOCOOKIE: any socket with these endpoints.
            request.id.idiag_cookie = (UInt32.max, UInt32.max)
            payload.storeBytes(of: request, as: inet_diag_req_v2.self)
        }
        return buffer
    }

    /// An address as the kernel's `__be32[4]`: network-order bytes, IPv4 in the first word.
    private static func store(_ address: IPAddress, into words: inout (UInt32, UInt32, UInt32, UInt32)) {
        withUnsafeMutableBytes(of: &words) { bytes in
            if address.family == .ipv4 {
                bytes.storeBytes(of: UInt32(truncatingIfNeeded: address.low).bigEndian, as: UInt32.self)
            } else {
                bytes.storeBytes(of: address.high.bigEndian, toByteOffset: 0, as: UInt64.self)
                bytes.storeBytes(of: address.low.bigEndian, toByteOffset: 8, as: UInt64.self)
            }
        }
    }
}

extension NetlinkSocket {
    /// The socket with exactly these endpoints now, or nil when there is none.
    public func lookup(_ key: ConnectionKey) throws -> Connection? {
        let request = InetDiagRequest.lookup(key, sequence: 0)
        let sent = request.withUnsafeBytes { mnl_socket_sendto(socket, $0.baseAddress, $0.count) }
        guard sent >= 0 else { throw SourceError.system("netlink sock_diag lookup failed", errno) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        var found: Connection?
        try buffer.withUnsafeMutableBytes { raw in
            var received: Int
            repeat {
                received = mnl_socket_recvfrom(socket, raw.baseAddress, raw.count)
            } while received < 0 && errno == EINTR
            guard received >= 0 else { throw SourceError.system("netlink sock_diag lookup failed", errno) }
            do {
                _ = try InetDiagDecoder.decode(UnsafeRawBufferPointer(rebasing: raw[..<received])) { found = $0 }
            } catch InetDiagReplyError.kernel(let code) where code == ENOENT {
                found = nil
            } catch let error as InetDiagReplyError {
                throw SourceError("netlink sock_diag lookup failed: \(error)")
            }
        }
        // A lookup falls back to a listener on the local endpoint: not this socket.
        guard let found, found.key == key else { return nil }
        return found
    }
}
