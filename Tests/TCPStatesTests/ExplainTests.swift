import Foundation
import Testing
@testable import TCPStates

@Suite struct ExplainTests {
    @Test func everyStateHasItsOwnExplanationWithMatchingKernelNames() {
        #expect(StateExplanation.all.count == TCPState.allCases.count)
        for state in TCPState.allCases {
            let explanation = StateExplanation.of(state)
            #expect(explanation.state == state)
            #expect(explanation.kernelNames.count == state.kernelNumbers.count, "\(state.name)")
            for text in [explanation.meaning, explanation.side, explanation.duration, explanation.pileUp] {
                #expect(!text.isEmpty, "\(state.name)")
            }
            #expect(!explanation.arrivals.isEmpty && !explanation.departures.isEmpty, "\(state.name) is a dead end")
        }
    }

    @Test func everySpellingStateSetAcceptsFindsItsStates() throws {
        for (word, set) in StateSet.names {
            for spelling in [word, word.lowercased(), word.lowercased().replacingOccurrences(of: "_", with: "-")] {
                #expect(try StateExplanation.parsing(spelling).map(\.state) == set.states, "\(spelling)")
            }
        }
        // The ss and netstat spellings the explanations print are accepted words.
        for explanation in StateExplanation.all {
            #expect(try StateExplanation.parsing(explanation.ssName).map(\.state).contains(explanation.state))
            #expect(try StateExplanation.parsing(explanation.netstatName).map(\.state).contains(explanation.state))
        }
        #expect(throws: FilterError.self) { try StateExplanation.parsing("FIN_WAIT_3") }
    }

    @Test func diagramFitsEightyColumnsAndShowsEveryStateAndArrowEvent() {
        let lines = StateDiagram.text.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines { #expect(line.count <= 80, "\(line)") }
        for state in TCPState.allCases { #expect(StateDiagram.text.contains(state.name), "\(state.name)") }
        for event in ["rcv SYN, snd SYN+ACK", "rcv SYN+ACK, snd ACK", "rcv ACK of SYN", "close(), snd FIN",
                      "rcv FIN, snd ACK", "rcv ACK of FIN", "2MSL", "simultaneous open", "listen()", "connect()"] {
            #expect(StateDiagram.text.contains(event), "\(event)")
        }
    }

    @Test func textOfEveryStateFitsEightyColumns() throws {
        for explanation in StateExplanation.all {
            let text = try RenderTests.output { try ExplanationRenderer().render(explanation, to: $0) }
            #expect(text.hasPrefix(explanation.state.name + "\n"))
            for line in text.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
            for arrow in explanation.departures { #expect(text.contains("to \(arrow.to.name):")) }
        }
    }

    @Test func jsonCarriesTheSameContent() throws {
        let text = try RenderTests.output {
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
