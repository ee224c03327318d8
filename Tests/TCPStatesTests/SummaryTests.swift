import Foundation
import Testing
@testable import TCPStates

@Suite struct SummaryTests {
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

    @Test func aSocketCountsUnderItsListenersPortElseANamedPortElseOther() throws {
        let connections = try Self.sample()
        let listeners = Self.listenerPorts(connections)
        try #require(!listeners.isEmpty, "the capture has listeners")
        var filter = ConnectionFilter()
        filter.remotePorts = PortRanges([PortRange(60000, 60000)])
        let labeling = PortLabeling(listenerPorts: listeners, filter: filter)
        for c in connections {
            let expected: SummaryPort = listeners.contains(c.local.port) ? .port(c.local.port)
                : c.remote.port == 60000 ? .port(60000) : .other
            #expect(labeling.port(of: c) == expected, "\(SocketKey(c))")
        }
        // Named single ports are reported even when empty; so is "other".
        #expect(labeling.reportedPorts(of: .tcp).contains(.port(60000)))
        #expect(labeling.reportedPorts(of: .tcp).contains(.other))
        let summary = try Self.summarize(connections, ports: PortLabeling(listenerPorts: listeners, filter: ConnectionFilter()))
        #expect(summary.byPort(of: .tcp).map(\.counts.total).reduce(0, +) == connections.count)
        #expect(summary.byPort(of: .tcp).last?.port == .other)
        #expect(summary.byPort(of: .tcp).map(\.port) == summary.byPort(of: .tcp).map(\.port).sorted())
    }

    @Test func tableHasEveryFilteredStateAndATotal() throws {
        let connections = try Self.sample()
        let summary = try Self.summarize(connections)
        let text = try RenderTests.output { try SummaryTableRenderer().render(summary, to: $0) }
        let lines = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.first == ["STATE", "COUNT"])
        #expect(lines.last == ["TOTAL", String(connections.count)])
        let counted = Dictionary(uniqueKeysWithValues: lines.dropFirst().dropLast().map { ($0[0], Int($0[1]) ?? -1) })
        for state in StateSet.default.states {
            #expect(counted[state.name] == connections.filter { $0.state == state }.count, "\(state.name)")
        }
        #expect(counted["CLOSED"] == nil, "CLOSED is not in the default filter")
        let bare = try RenderTests.output { try SummaryTableRenderer(showsHeader: false).render(summary, to: $0) }
        #expect(bare.split(separator: "\n").count == lines.count - 1)
    }

    @Test func jsonSummaryParsesAndAddsUp() throws {
        let connections = try Self.sample()
        let labeling = PortLabeling(listenerPorts: Self.listenerPorts(connections), filter: ConnectionFilter())
        let summary = try Self.summarize(connections, ports: labeling)
        let text = try RenderTests.output { try SummaryJSONRenderer(byPort: true).render(summary, to: $0) }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
        #expect(object["source"] as? String == "netlink")
        #expect(object["total"] as? Int == connections.count)
        let states = try #require(object["states"] as? [String: Int])
        #expect(states["UNKNOWN(42)"] == 1)
        let ports = try #require(object["ports"] as? [[String: Any]])
        let other = try #require(object["other"] as? [String: Any])
        let totals = ports.compactMap { $0["total"] as? Int } + [other["total"] as? Int ?? -1]
        #expect(totals.reduce(0, +) == connections.count)
        #expect(Set(ports.compactMap { $0["port"] as? Int }) == Set(labeling.listenerPorts.map(Int.init)))
    }

    @Test func prometheusLinesAreGaugesWithBoundedLabels() throws {
        let connections = try Self.sample()
        let labeling = PortLabeling(listenerPorts: Self.listenerPorts(connections), filter: ConnectionFilter())
        let summary = try Self.summarize(connections, ports: labeling)
        let text = try RenderTests.output { try PrometheusRenderer().render(summary, to: $0) }
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("# HELP tcpstates_connections "))
        #expect(lines[1] == "# TYPE tcpstates_connections gauge")
        var sum = 0
        var ports: Set<String> = []
        let pattern = #/^tcpstates_connections\{protocol="tcp",state="([A-Z_0-9()]+)",port="([0-9]+|other)",family="(ipv4|ipv6)"\} ([0-9]+)$/#
        for line in lines.dropFirst(2) {
            let match = try #require(line.wholeMatch(of: pattern), "not a sample line: \(line)")
            sum += Int(match.4) ?? 0
            ports.insert(String(match.2))
        }
        #expect(sum == connections.count)
        #expect(ports == Set(labeling.reportedPorts(of: .tcp).map(\.label)))
        // Zeros are written too: every filtered state in every port and family.
        let series = Set(lines.dropFirst(2).map { $0.split(separator: " ")[0] })
        #expect(series.count == lines.count - 2, "a series is repeated")
        #expect(series.count >= ports.count * 2 * StateSet.default.states.count)
    }
}
