import CMNL

/// The bytes of a sock_diag dump request: nlmsghdr, inet_diag_req_v2 and,
/// with a port filter, an INET_DIAG_REQ_BYTECODE attribute.
public enum InetDiagRequest {
    /// A SOCK_DIAG_BY_FAMILY dump of TCP (or UDP) sockets of one family in
    /// the states of `stateMask`; `extensions` is idiag_ext (bit n - 1 asks for attribute n).
    public static func dump(
        family: AddressFamily, stateMask: UInt32, bytecode: [UInt8]?, sequence: UInt32,
        transport: TransportProtocol = .tcp, extensions: UInt8 = 0
    ) -> [UInt8] {
        let requestSize = MemoryLayout<inet_diag_req_v2>.size
        let attributeSize = bytecode.map { CMNL_align(4 + $0.count) } ?? 0
        var buffer = [UInt8](repeating: 0, count: CMNL_nlmsg_hdrlen() + CMNL_align(requestSize) + attributeSize)
        let length = buffer.withUnsafeMutableBytes { raw -> Int in
            let header = mnl_nlmsg_put_header(raw.baseAddress)!
            header.pointee.nlmsg_type = UInt16(SOCK_DIAG_BY_FAMILY)
            header.pointee.nlmsg_flags = UInt16(NLM_F_REQUEST | NLM_F_DUMP)
            header.pointee.nlmsg_seq = sequence
            let payload = mnl_nlmsg_put_extra_header(header, requestSize)!
            var request = inet_diag_req_v2()
            request.sdiag_family = family.rawValue
            request.sdiag_protocol = transport.ipProtocol
            request.idiag_ext = extensions
            request.idiag_states = stateMask
            payload.storeBytes(of: request, as: inet_diag_req_v2.self)
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
