import Foundation
import Testing
@testable import TCPStates

/// `explain` says, per state, whether killing helps and what the application sees.
@Suite struct KillAdviceTests {
    @Test func theStatesPeopleKillSayWhatIsWrong() {
        #expect(StateExplanation.of(.closeWait).killing.contains("The application never closed"))
        #expect(StateExplanation.of(.finWait2).killing.contains("The peer is gone"))
        #expect(StateExplanation.of(.synSent).killing.contains("the upstream is dead"))
        #expect(StateExplanation.of(.timeWait).killing.hasPrefix("Harmless, and killing it defeats its purpose"))
        #expect(StateExplanation.of(.listen).killing.contains("only when --state names LISTEN"))
    }

    @Test func whereAnApplicationHoldsTheSocketItSaysWhatItReads() {
        for state in [TCPState.synSent, .established, .closeWait, .finWait1, .finWait2] {
            #expect(StateExplanation.of(state).killing.contains("ECONNABORTED"), "\(state.name)")
        }
    }

    @Test func textAndJSONCarryIt() throws {
        let explanation = StateExplanation.of(.closeWait)
        let text = try ByteWriterTests.output { try ExplanationRenderer().render(explanation, to: $0) }
        let killing = try #require(text.split(separator: "\n").firstIndex { $0.hasPrefix("Killing   The application") })
        #expect(killing > 0)
        let json = try ByteWriterTests.output { try ExplanationJSONRenderer().render([explanation], withDiagram: false, to: $0) }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let states = try #require(object["states"] as? [[String: Any]])
        #expect(states.first?["killing"] as? String == explanation.killing)
    }
}
