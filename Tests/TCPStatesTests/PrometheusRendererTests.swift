import Testing
@testable import TCPStates

@Suite struct PrometheusRendererTests {
    @Test func prometheusLinesAreGaugesWithBoundedLabels() throws {
        let connections = try StateSummaryTests.sample()
        let labeling = PortLabeling(listenerPorts: StateSummaryTests.listenerPorts(connections), filter: ConnectionFilter())
        let summary = try StateSummaryTests.summarize(connections, ports: labeling)
        let text = try ByteWriterTests.output { try PrometheusRenderer().render(summary, to: $0) }
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
