import Testing
@testable import TCPStates

@Suite struct InetDiagRequestTests {
    @Test func requestAsksForTheProtocolAndExtensions() {
        let bytes = InetDiagRequest.dump(family: .ipv6, stateMask: 0x82, bytecode: nil, sequence: 9,
                                         transport: .udp, extensions: [.info, .congestion])
        // inet_diag_req_v2 follows the 16-byte nlmsghdr: family, protocol, ext, pad, states.
        #expect(Array(bytes[16..<19]) == [10, 17, 0x0A])
        #expect(bytes[20..<24].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } == 0x82)
    }
}
