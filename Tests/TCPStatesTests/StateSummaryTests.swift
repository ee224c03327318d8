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

    // UDP counted in its own names, beside TCP or alone, from captured sockets.

    /// The captured UDP sockets (a server UNCONN on 7200, a client connected
    /// to it) and the captured TCP ones.
    static func udp() throws -> [Connection] { try Fixture.decodeNetlink("sockdiag-udp.bin", transport: .udp) }
    static func tcp() throws -> [Connection] { try Fixture.decodeNetlink("sockdiag-dump.bin").filter(ConnectionFilter().matches) }

    static func filter(_ transports: Set<TransportProtocol>) -> ConnectionFilter {
        var filter = ConnectionFilter()
        filter.transports = transports
        return filter
    }

    /// Counts `connections` per port, with the listeners as the listing's pre-pass finds them.
    static func summarizePerPort(_ connections: [Connection], _ transports: Set<TransportProtocol>, byPort: Bool = true) throws -> StateSummary {
        let filter = filter(transports)
        let labeling = PortLabeling(
            listenerPorts: Set(connections.filter { $0.transport == .tcp && $0.state == .listen }.map(\.local.port)),
            udpListenerPorts: Set(connections.filter { $0.transport == .udp && $0.state == .closed }.map(\.local.port)),
            filter: filter)
        var summary = StateSummary(filter: filter, ports: byPort ? labeling : nil)
        try summary.begin(source: .netlink)
        for connection in connections where filter.matches(connection) { try summary.add(connection) }
        return summary
    }

    @Test func udpRowsAreUnconnAndEstablishedAndAddUp() throws {
        let udp = try Self.udp()
        try #require(Set(udp.map(\.kernelState)) == [KernelTCPState.close, KernelTCPState.established])
        let summary = try Self.summarizePerPort(udp, [.udp])
        let rows = summary.rows(summary.total(of: .udp), of: .udp)
        #expect(rows.map(\.name) == ["UNCONN", "ESTABLISHED"])
        #expect(rows.map(\.count) == [udp.filter { $0.kernelState == KernelTCPState.close }.count,
                                      udp.filter { $0.kernelState == KernelTCPState.established }.count])
        #expect(rows.map(\.count).reduce(0, +) == summary.total.total)
        #expect(summary.total.total == udp.count)
    }

    @Test func udpTableHasNoTCPStates() throws {
        let summary = try Self.summarizePerPort(try Self.udp(), [.udp], byPort: false)
        let text = try ByteWriterTests.output { try SummaryTableRenderer().render(summary, to: $0) }
        let rows = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.map { $0[0] } == ["STATE", "UNCONN", "ESTABLISHED", "TOTAL"], "\(text)")
        #expect(rows.dropFirst().dropLast().compactMap { Int($0[1]) }.reduce(0, +) == Int(rows.last?[1] ?? ""))
    }

    @Test func udpByPortCountsUnderTheBoundPort() throws {
        let summary = try Self.summarizePerPort(try Self.udp(), [.udp])
        let ports = summary.byPort(of: .udp)
        let served = try #require(ports.first { $0.port == .port(7200) }, "\(ports.map(\.port))")
        // The server on 7200 and the client connected to it: the client's own port is ephemeral.
        #expect(served.counts[.closed] == 1)
        #expect(ports.map(\.counts.total).reduce(0, +) == summary.total.total)
        let text = try ByteWriterTests.output { try SummaryTableRenderer(byPort: true).render(summary, to: $0) }
        #expect(text.split(separator: "\n").contains { $0.split(separator: " ") == ["7200", "UNCONN", "1"] }, "\(text)")
    }

    @Test func bothProtocolsAreCountedApartWithAProtocolColumn() throws {
        let tcp = try Self.tcp(), udp = try Self.udp()
        let summary = try Self.summarizePerPort(tcp + udp, [.tcp, .udp], byPort: false)
        #expect(summary.total(of: .tcp).total == tcp.count && summary.total(of: .udp).total == udp.count)
        let text = try ByteWriterTests.output { try SummaryTableRenderer().render(summary, to: $0) }
        let rows = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.first == ["PROTO", "STATE", "COUNT"])
        #expect(rows.last == ["TOTAL", String(tcp.count + udp.count)])
        #expect(rows.contains(["udp", "UNCONN", "1"]) && !rows.contains { $0.first == "udp" && $0[1] == "LISTEN" })
        let json = try ByteWriterTests.output { try SummaryJSONRenderer().render(summary, to: $0) }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let protocols = try #require(object["protocols"] as? [String: [String: Any]], "\(json)")
        let udpStates = protocols["udp"]?["states"] as? [String: Int]
        #expect(udpStates == ["UNCONN": 1, "ESTABLISHED": 1])
        #expect(object["total"] as? Int == tcp.count + udp.count)
    }

    @Test func prometheusLabelsEverySeriesWithItsProtocol() throws {
        let tcp = try Self.tcp(), udp = try Self.udp()
        let summary = try Self.summarizePerPort(tcp + udp, [.tcp, .udp])
        let text = try ByteWriterTests.output { try PrometheusRenderer().render(summary, to: $0) }
        var sums: [String: Int] = [:]
        let pattern = #/^tcpstates_connections\{protocol="(tcp|udp)",state="([A-Z_0-9()]+)",port="([0-9]+|other)",family="(ipv4|ipv6)"\} ([0-9]+)$/#
        for line in text.split(separator: "\n").dropFirst(2) {
            let match = try #require(line.wholeMatch(of: pattern), "not a sample line: \(line)")
            if match.1 == "udp" { #expect(["UNCONN", "ESTABLISHED"].contains(String(match.2)), "\(line)") }
            sums[String(match.1), default: 0] += Int(match.5) ?? 0
        }
        #expect(sums == ["tcp": tcp.count, "udp": udp.count])
        #expect(text.contains("tcpstates_connections{protocol=\"udp\",state=\"UNCONN\",port=\"7200\",family=\"ipv4\"} 1"))
    }
}
