import Foundation
import Testing
@testable import TCPStates

@Suite struct SummaryJSONRendererTests {
    @Test func jsonSummaryParsesAndAddsUp() throws {
        let connections = try StateSummaryTests.sample()
        let labeling = PortLabeling(listenerPorts: StateSummaryTests.listenerPorts(connections), filter: ConnectionFilter())
        let summary = try StateSummaryTests.summarize(connections, ports: labeling)
        let text = try ByteWriterTests.output { try SummaryJSONRenderer(byPort: true).render(summary, to: $0) }
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
}
