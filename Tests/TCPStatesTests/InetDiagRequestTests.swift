import Foundation
import Testing
@testable import TCPStates

/// The single-socket lookup behind destroy events must name a socket the
/// way the kernel does: its inet_diag_sockid, cookie included, is compared
/// with the ones in a captured dump reply.
@Suite struct InetDiagRequestTests {
    /// Each SOCK_DIAG_BY_FAMILY message's payload in the captured dump.
    static func replyPayloads() throws -> [[UInt8]] {
        let stream = try Fixture.bytes("sockdiag-dump.bin")
        var payloads: [[UInt8]] = []
        var offset = 0
        while offset + 16 <= stream.count {
            let length = stream.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
            let type = stream.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self) }
            guard length >= 16 else { break }
            if type == 20 { payloads.append(Array(stream[(offset + 16)..<(offset + length)])) }
            offset += (length + 3) & ~3
        }
        return payloads
    }

    @Test func lookupNamesEachCapturedSocketAsTheKernelDid() throws {
        let payloads = try Self.replyPayloads()
        try #require(payloads.count >= 5)
        var families = Set<AddressFamily>()
        for payload in payloads {
            let connection = try payload.withUnsafeBytes { try InetDiagDecoder.connection(from: $0) }
            families.insert(connection.family)
            let request = InetDiagRequest.lookup(
                local: connection.local, remote: connection.remote, sequence: 9, cookie: connection.cookie)
            // nlmsghdr (16), then family, protocol, ext, pad, states (8), then the sockid.
            #expect(request.count == 16 + 56)
            #expect(request[16] == connection.family.rawValue && request[17] == 6)
            // sport, dport, src, dst: 36 bytes, at offset 4 of inet_diag_msg; the cookie at 44.
            #expect(Array(request[24..<60]) == Array(payload[4..<40]), "\(connection)")
            #expect(Array(request[64..<72]) == Array(payload[44..<52]), "\(connection)")
            #expect(connection.cookie != 0, "sock_diag gives every socket a cookie")
            // NLM_F_REQUEST without NLM_F_DUMP.
            #expect(request.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 6, as: UInt16.self) } == 1)
            // Without a cookie, the no-cookie wildcard.
            let any = InetDiagRequest.lookup(local: connection.local, remote: connection.remote, sequence: 9)
            #expect(any[64..<72].allSatisfy { $0 == 0xFF })
        }
        #expect(families == [.ipv4, .ipv6], "the capture holds both families")
        let cookies = try payloads.map { payload in try payload.withUnsafeBytes { try InetDiagDecoder.connection(from: $0).cookie } }
        #expect(Set(cookies).count == cookies.count, "a cookie names one socket")
    }

    @Test func requestAsksForTheProtocolAndExtensions() {
        let bytes = InetDiagRequest.dump(family: .ipv6, stateMask: 0x82, bytecode: nil, sequence: 9,
                                         transport: .udp, extensions: [.info, .congestion])
        // inet_diag_req_v2 follows the 16-byte nlmsghdr: family, protocol, ext, pad, states.
        #expect(Array(bytes[16..<19]) == [10, 17, 0x0A])
        #expect(bytes[20..<24].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } == 0x82)
    }
}
