import CMNL

/// The bytes of a sock_diag request: nlmsghdr, inet_diag_req_v2 (or the older
/// inet_diag_req) and, with a port filter, an INET_DIAG_REQ_BYTECODE attribute.
public enum InetDiagRequest {
    /// A SOCK_DIAG_BY_FAMILY dump of TCP (or UDP) sockets of one family in the
    /// states of `stateMask`; with `family` nil, the older TCPDIAG_GETSOCK dump
    /// of the TCP sockets of both families at once. `extensions` is idiag_ext.
    ///
    /// The kernel walks its (machine-wide) TCP hash once per dump, and
    /// SOCK_DIAG_BY_FAMILY wants one family: TCPDIAG_GETSOCK, which it still
    /// serves for old tools, lists both families in one walk, so a listing of
    /// both costs one walk instead of two. It has no UDP counterpart.
    public static func dump(
        family: AddressFamily?, stateMask: UInt32, bytecode: [UInt8]?, sequence: UInt32,
        transport: TransportProtocol = .tcp, extensions: InetDiagExtensions = []
    ) -> [UInt8] {
        message(family: family, stateMask: stateMask, flags: NLM_F_REQUEST | NLM_F_DUMP,
                bytecode: bytecode, sequence: sequence, transport: transport, extensions: extensions) { _ in }
    }

    /// An exact lookup of the one TCP socket (full, request or timewait) with
    /// these endpoints: inet_diag_sockid filled in; with `cookie`, the kernel
    /// answers ESTALE unless the socket found has that cookie.
    public static func lookup(local: Endpoint, remote: Endpoint, sequence: UInt32, cookie: UInt64? = nil) -> [UInt8] {
        message(family: local.address.family, stateMask: ~0, flags: NLM_F_REQUEST,
                bytecode: nil, sequence: sequence) { request in
            storeSocketID(local: local, remote: remote, interface: 0, cookie: cookie ?? noCookie, into: request)
        }
    }

    /// INET_DIAG_NOCOOKIE in both halves: any socket with the endpoints.
    static let noCookie = UInt64.max

    /// Writes struct inet_diag_sockid at offset 8 of inet_diag_req_v2: be16
    /// sport, be16 dport, be32 src[4], be32 dst[4], u32 if, u32 cookie[2]
    /// (cookie[0] the low half, in host order, as the kernel writes it).
    static func storeSocketID(local: Endpoint, remote: Endpoint, interface: UInt32, cookie: UInt64,
                              into request: UnsafeMutableRawBufferPointer) {
        request.storeBytes(of: local.port.bigEndian, toByteOffset: 8, as: UInt16.self)
        request.storeBytes(of: remote.port.bigEndian, toByteOffset: 10, as: UInt16.self)
        store(local.address, into: request, at: 12)
        store(remote.address, into: request, at: 28)
        request.storeBytes(of: interface, toByteOffset: 44, as: UInt32.self)
        request.storeBytes(of: UInt32(truncatingIfNeeded: cookie), toByteOffset: 48, as: UInt32.self)
        request.storeBytes(of: UInt32(truncatingIfNeeded: cookie >> 32), toByteOffset: 52, as: UInt32.self)
    }

    private static func store(_ address: IPAddress, into request: UnsafeMutableRawBufferPointer, at offset: Int) {
        if address.family == .ipv4 {
            request.storeBytes(of: UInt32(truncatingIfNeeded: address.low).bigEndian, toByteOffset: offset, as: UInt32.self)
        } else {
            request.storeBytes(of: address.high.bigEndian, toByteOffset: offset, as: UInt64.self)
            request.storeBytes(of: address.low.bigEndian, toByteOffset: offset + 8, as: UInt64.self)
        }
    }

    /// `type` is SOCK_DIAG_BY_FAMILY, or TCPDIAG_GETSOCK with `family` nil, unless given.
    static func message(
        type: Int32? = nil, family: AddressFamily?, stateMask: UInt32, flags: Int32, bytecode: [UInt8]?,
        sequence: UInt32, transport: TransportProtocol = .tcp, extensions: InetDiagExtensions = [],
        fillRequest: (UnsafeMutableRawBufferPointer) -> Void
    ) -> [UInt8] {
        let requestSize = family == nil ? MemoryLayout<inet_diag_req>.size : MemoryLayout<inet_diag_req_v2>.size
        let attributeSize = bytecode.map { CMNL_align(4 + $0.count) } ?? 0
        var buffer = [UInt8](repeating: 0, count: CMNL_nlmsg_hdrlen() + CMNL_align(requestSize) + attributeSize)
        let length = buffer.withUnsafeMutableBytes { raw -> Int in
            let header = mnl_nlmsg_put_header(raw.baseAddress)!
            header.pointee.nlmsg_type = UInt16(type ?? (family == nil ? TCPDIAG_GETSOCK : SOCK_DIAG_BY_FAMILY))
            header.pointee.nlmsg_flags = UInt16(flags)
            header.pointee.nlmsg_seq = sequence
            let payload = mnl_nlmsg_put_extra_header(header, requestSize)!
            if let family {
                var request = inet_diag_req_v2()
                request.sdiag_family = family.rawValue
                request.sdiag_protocol = transport.ipProtocol
                request.idiag_ext = extensions.rawValue
                request.idiag_states = stateMask
                payload.storeBytes(of: request, as: inet_diag_req_v2.self)
            } else {
                // The kernel dumps every family for this request, whatever idiag_family says.
                var request = inet_diag_req()
                request.idiag_family = AddressFamily.ipv4.rawValue
                request.idiag_ext = extensions.rawValue
                request.idiag_states = stateMask
                payload.storeBytes(of: request, as: inet_diag_req.self)
            }
            fillRequest(UnsafeMutableRawBufferPointer(start: payload, count: requestSize))
            if let bytecode {
                bytecode.withUnsafeBytes { code in
                    mnl_attr_put(header, UInt16(INET_DIAG_REQ_BYTECODE), code.count, code.baseAddress)
                }
            }
            return Int(header.pointee.nlmsg_len)
        }
        return Array(buffer.prefix(length))
    }
}
