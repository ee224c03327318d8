import Testing
@testable import TCPStates

@Suite struct SocketStateClockTests {
    @Test func stateClockTimesEachObjectFromItsPreviousChange() throws {
        var clock = SocketStateClock()
        var last: [UInt64: UInt64] = [:]
        var timed = 0
        for change in try TraceDecodingTests.decodedCapture() {
            let elapsed = clock.record(change)
            #expect(elapsed == last[change.socket].map { change.timestamp - $0 })
            if elapsed != nil { timed += 1 }
            last[change.socket] = change.newState == 7 ? nil : change.timestamp
        }
        #expect(timed == 24 - 6, "every change but each object's first is timed")
        #expect(clock.count == 0, "every object closed and was forgotten")
    }
}
