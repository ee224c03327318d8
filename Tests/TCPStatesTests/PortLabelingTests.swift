import Testing
@testable import TCPStates

@Suite struct PortLabelingTests {
    @Test func aSocketCountsUnderItsListenersPortElseANamedPortElseOther() throws {
        let connections = try StateSummaryTests.sample()
        let listeners = StateSummaryTests.listenerPorts(connections)
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
        let summary = try StateSummaryTests.summarize(connections, ports: PortLabeling(listenerPorts: listeners, filter: ConnectionFilter()))
        #expect(summary.byPort(of: .tcp).map(\.counts.total).reduce(0, +) == connections.count)
        #expect(summary.byPort(of: .tcp).last?.port == .other)
        #expect(summary.byPort(of: .tcp).map(\.port) == summary.byPort(of: .tcp).map(\.port).sorted())
    }
}
