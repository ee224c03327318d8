import Testing
@testable import TCPStates

@Suite struct SummaryTableRendererTests {
    @Test func tableHasEveryFilteredStateAndATotal() throws {
        let connections = try StateSummaryTests.sample()
        let summary = try StateSummaryTests.summarize(connections)
        let text = try ByteWriterTests.output { try SummaryTableRenderer().render(summary, to: $0) }
        let lines = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.first == ["STATE", "COUNT"])
        #expect(lines.last == ["TOTAL", String(connections.count)])
        let counted = Dictionary(uniqueKeysWithValues: lines.dropFirst().dropLast().map { ($0[0], Int($0[1]) ?? -1) })
        for state in StateSet.default.states {
            #expect(counted[state.name] == connections.filter { $0.state == state }.count, "\(state.name)")
        }
        #expect(counted["CLOSED"] == nil, "CLOSED is not in the default filter")
        let bare = try ByteWriterTests.output { try SummaryTableRenderer(showsHeader: false).render(summary, to: $0) }
        #expect(bare.split(separator: "\n").count == lines.count - 1)
    }
}
