import Testing
@testable import TCPStates

@Suite struct KillStatesTests {
    @Test func withoutStateListenersTimeWaitAndClosedAreSpared() throws {
        let states = try KillStates.choose(stateLists: [], listening: false)
        #expect(states == KillStates.implicit)
        for spared in [TCPState.listen, .timeWait, .closed] { #expect(!states.contains(spared)) }
        for state in [TCPState.established, .closeWait, .finWait2, .synSent, .lastAck] { #expect(states.contains(state)) }
    }

    @Test func listenOnlyWhenNamed() throws {
        #expect(!(try KillStates.choose(stateLists: ["all"], listening: false)).contains(.listen))
        #expect(!(try KillStates.choose(stateLists: ["big"], listening: false)).contains(.listen))
        #expect(try KillStates.choose(stateLists: ["listen"], listening: false) == StateSet([.listen]))
        #expect(try KillStates.choose(stateLists: ["LISTENING"], listening: false) == StateSet([.listen]))
        #expect(try KillStates.choose(stateLists: ["close-wait,Listen"], listening: false) == StateSet([.closeWait, .listen]))
        #expect(try KillStates.choose(stateLists: [], listening: true) == StateSet([.listen]))
        #expect(try KillStates.choose(stateLists: ["estab"], listening: true) == StateSet([.established, .listen]))
    }

    @Test func groupsKeepTimeWaitButNeverClosed() throws {
        let all = try KillStates.choose(stateLists: ["all"], listening: false)
        #expect(all.contains(.timeWait))
        #expect(!all.contains(.closed))
        #expect(try KillStates.choose(stateLists: ["time-wait"], listening: false) == StateSet([.timeWait]))
    }

    @Test func closedAloneOrUnknownWordsAreRefused() {
        #expect(throws: FilterError.self) { try KillStates.choose(stateLists: ["closed"], listening: false) }
        #expect(throws: FilterError.self) { try KillStates.choose(stateLists: ["unconn,bound-inactive"], listening: false) }
        #expect(throws: FilterError.self) { try KillStates.choose(stateLists: ["stuck"], listening: false) }
    }
}
