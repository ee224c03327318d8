import Foundation
import Testing
@testable import TCPStates

@Suite struct ExplanationRendererTests {
    @Test func textOfEveryStateFitsEightyColumns() throws {
        for explanation in StateExplanation.all {
            let text = try ByteWriterTests.output { try ExplanationRenderer().render(explanation, to: $0) }
            #expect(text.hasPrefix(explanation.state.name + "\n"))
            for line in text.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
            for arrow in explanation.departures { #expect(text.contains("to \(arrow.to.name):")) }
        }
    }

    @Test func jsonCarriesTheSameContent() throws {
        let text = try ByteWriterTests.output {
            try ExplanationJSONRenderer().render(StateExplanation.all, withDiagram: true, to: $0)
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["diagram"] as? String == StateDiagram.text)
        #expect((object["transitions"] as? [Any])?.count == DiagramArrow.all.count)
        let states = try #require(object["states"] as? [[String: Any]])
        #expect(states.compactMap { $0["state"] as? String } == TCPState.allCases.map(\.name))
        for (json, explanation) in zip(states, StateExplanation.all) {
            #expect(json["pile_up"] as? String == explanation.pileUp)
            #expect(json["duration"] as? String == explanation.duration)
            #expect((json["arrivals"] as? [Any])?.count == explanation.arrivals.count)
        }
    }
}
