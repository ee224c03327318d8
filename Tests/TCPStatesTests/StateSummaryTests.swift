import Foundation
import Testing
@testable import TCPStates

@Suite struct StateSummaryTests {
    /// The captured dump as a default listing shows it (no CLOSED), plus a
    /// socket in a state this build does not know.
    static func sample() throws -> [Connection] {
        var connections = try Fixture.decodeNetlink("sockdiag-dump.bin").filter(ConnectionFilter().matches)
        connections.append(Connection(
            kernelState: 42, local: Endpoint(address: .any(.ipv4), port: 1),
            remote: Endpoint(address: .any(.ipv4), port: 2), recvQueue: 0, sendQueue: 0, uid: 0, inode: 0))
        return connections
    }

    static func summarize(_ connections: [Connection], filter: ConnectionFilter = ConnectionFilter(),
                          ports: PortLabeling? = nil) throws -> StateSummary {
        var summary = StateSummary(filter: filter, ports: ports)
        try summary.begin(source: .netlink)
        for connection in connections where filter.matches(connection) { try summary.add(connection) }
        return summary
    }

    static func listenerPorts(_ connections: [Connection]) -> Set<UInt16> {
        Set(connections.filter { $0.state == .listen }.map(\.local.port))
    }

    @Test func countsAgreeWithTheListingStateByState() throws {
        let connections = try Self.sample()
        let total = try Self.summarize(connections).total
        #expect(total.total == connections.count)
        for state in TCPState.allCases {
            #expect(total[state] == connections.filter { $0.state == state }.count, "\(state.name)")
        }
        #expect(total.unknown == [42: 1])
        let rows = total.rows(states: .default)
        #expect(rows.map(\.name) == StateSet.default.states.map(\.name) + ["UNKNOWN(42)"])
    }
}
