import CMNL

/// The bytes of a sock_diag dump request: nlmsghdr, inet_diag_req_v2 (or
/// the older inet_diag_req) and, with a port filter, an
/// INET_DIAG_REQ_BYTECODE attribute.
public enum InetDiagRequest {
    /// A SOCK_DIAG_BY_FAMILY dump of TCP sockets of one family in the states
    /// of `stateMask`; with `family` nil, the older TCPDIAG_GETSOCK dump of both
    /// families at once.
    ///
    /// The kernel walks its (machine-wide) TCP hash once per dump, and
    /// SOCK_DIAG_BY_FAMILY wants one family: TCPDIAG_GETSOCK, which it still
    /// serves for old tools, lists both families in one walk, so a listing of
    /// both costs one walk instead of two.
    public static func dump(
        family: AddressFamily?, stateMask: UInt32, bytecode: [UInt8]?, sequence: UInt32
    ) -> [UInt8] {
        let requestSize = family == nil ? MemoryLayout<inet_diag_req>.size : MemoryLayout<inet_diag_req_v2>.size
        let attributeSize = bytecode.map { CMNL_align(4 + $0.count) } ?? 0
        var buffer = [UInt8](repeating: 0, count: CMNL_nlmsg_hdrlen() + CMNL_align(requestSize) + attributeSize)
        let length = buffer.withUnsafeMutableBytes { raw -> Int in
            let header = mnl_nlmsg_put_header(raw.baseAddress)!
            header.pointee.nlmsg_type = UInt16(family == nil ? TCPDIAG_GETSOCK : SOCK_DIAG_BY_FAMILY)
            header.pointee.nlmsg_flags = UInt16(NLM_F_REQUEST | NLM_F_DUMP)
            header.pointee.nlmsg_seq = sequence
            let payload = mnl_nlmsg_put_extra_header(header, requestSize)!
            if let family {
                var request = inet_diag_req_v2()
                request.sdiag_family = family.rawValue
                request.sdiag_protocol = UInt8(IPPROTO_TCP)
                request.idiag_states = stateMask
                payload.storeBytes(of: request, as: inet_diag_req_v2.self)
            } else {
                // The kernel dumps every family for this request, whatever idiag_family says.
                var request = inet_diag_req()
                request.idiag_family = AddressFamily.ipv4.rawValue
                request.idiag_states = stateMask
                payload.storeBytes(of: request, as: inet_diag_req.self)
            }
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
