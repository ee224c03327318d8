import Testing
@testable import TCPStates

@Suite struct ConnectionOrderTests {
    @Test func sortByStateFollowsDiagramOrder() throws {
        var connections = try Fixture.decodeNetlink("sockdiag-dump.bin")
        ConnectionOrder.state.sort(&connections)
        let ranks = connections.map(\.stateRank)
        #expect(ranks == ranks.sorted())
        ConnectionOrder.port.sort(&connections)
        #expect(connections.map(\.local.port) == connections.map(\.local.port).sorted())
    }
}
