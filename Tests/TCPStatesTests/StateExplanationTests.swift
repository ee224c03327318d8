import Foundation
import Testing
@testable import TCPStates

@Suite struct StateExplanationTests {
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
}
