import Testing
@testable import TCPStates

@Suite struct ConnectionListerTests {
    @Test func defaultMaskLeavesOutBoundInactiveAndClose() {
        let mask = ConnectionLister.stateMask(for: ConnectionFilter())
        #expect(mask & (1 << 13) == 0, "asking for bound-inactive sockets slows every dump")
        #expect(mask & (1 << 7) == 0)
        for number in [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12] { #expect(mask & (1 << number) != 0, "\(number)") }
        #expect(!ConnectionFilter().wantsBoundInactive)
    }

    @Test func closedAsksForBoundInactiveSockets() throws {
        var filter = ConnectionFilter()
        filter.states = try StateSet(parsing: "CLOSED")
        #expect(ConnectionLister.stateMask(for: filter) == 1 << 7 | 1 << 13)
        filter.states = try StateSet(parsing: "LISTEN")
        #expect(ConnectionLister.stateMask(for: filter) == 1 << 10)
    }
}
