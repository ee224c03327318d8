import Testing
@testable import TCPStates

@Suite struct ProcNetTCPParserTests {
    static let realLine = "   1: 0100007F:1B58 0100007F:D2E4 01 00000000:000003E8 00:00000000 00000000     0        0 12755 1 000000005627e54f 20 4 32 10 -1"

    @Test func parsesAnIPv4LineInHostWordOrder() throws {
        let c = try #require(Fixture.parseProc(Self.realLine, family: .ipv4).connections.first)
        #expect(SocketKey(c) == SocketKey(state: "ESTABLISHED", local: "127.0.0.1:7000", remote: "127.0.0.1:53988"))
        #expect(c.recvQueue == 1000 && c.sendQueue == 0 && c.inode == 12755 && c.uid == 0)
    }

    @Test func skipsTheHeader() {
        let parsed = Fixture.parseProc("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode", family: .ipv4)
        #expect(parsed.connections.isEmpty && parsed.rejected.isEmpty)
    }

    @Test(arguments: [
        "garbage",
        "   1: 0100007F:1B58",
        "   1: 0100007G:1B58 0100007F:D2E4 01 00000000:000003E8 00:00000000 00000000     0        0 12755",
        "   1: 0100007F:1B58 0100007F:D2E4 1 00000000:000003E8 00:00000000 00000000     0        0 12755",
        "   1: 0100007F 0100007F:D2E4 01 00000000:000003E8 00:00000000 00000000     0        0 12755",
        "   1: 0100007F:1B58 0100007F:D2E4 01 00000000000003E8 00:00000000 00000000     0        0 12755",
        "   1: 0100007F:1B58 0100007F:D2E4 01 00000000:000003E8 00:00000000 00000000     x        0 12755",
        "   1 0100007F:1B58 0100007F:D2E4 01 00000000:000003E8 00:00000000 00000000     0        0 12755",
    ])
    func rejectsMalformedLines(line: String) {
        #expect(Fixture.parseProc(line, family: .ipv4).rejected == [1])
    }

    @Test func anIPv4LineIsMalformedAsIPv6() {
        #expect(Fixture.parseProc(Self.realLine, family: .ipv6).rejected == [1])
    }
}
