import Testing
@testable import TCPStates

@Suite struct ConnectionFilterTests {
    @Test func filterSeparatesProtocolsAndUDPStates() throws {
        let udp = try Fixture.decodeNetlink("sockdiag-udp.bin", transport: .udp)
        let tcp = try Fixture.decodeNetlink("sockdiag-dump.bin")
        var filter = ConnectionFilter()
        #expect(udp.filter(filter.matches).isEmpty)
        #expect(tcp.filter(filter.matches).count == tcp.filter { $0.state != .closed }.count)
        filter.transports = [.udp]
        #expect(udp.filter(filter.matches).count == udp.count)
        #expect(tcp.filter(filter.matches).isEmpty)
        filter.udpStates = StateSet([.closed])
        #expect(udp.filter(filter.matches).map(\.stateText) == ["UNCONN"])
        #expect(filter.udpKernelStateMask == 1 << 7)
    }

    @Test func finWait2AlsoAsksForTheTimeWaitBucket() throws {
        var filter = ConnectionFilter()
        filter.states = try StateSet(parsing: "FIN_WAIT_2")
        #expect(filter.kernelStateMask == 1 << 5 | 1 << 6)
        filter.states = try StateSet(parsing: "SYN_RCVD")
        #expect(filter.kernelStateMask == 1 << 3 | 1 << 12)
        filter.states = try StateSet(parsing: "CLOSED")
        #expect(filter.kernelStateMask == 1 << 7 | 1 << 13 && filter.wantsBoundInactive)
    }
}
