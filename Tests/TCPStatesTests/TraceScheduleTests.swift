import Testing
@testable import TCPStates

/// When the trace loop wakes and ends, for every duration the command accepts.
@Suite struct TraceScheduleTests {
    static let start: UInt64 = 5_000_000_000_000  // 5000 s after boot

    @Test(arguments: [0.0, -1, .nan, .infinity, -.infinity, 1e10 + 1, 1e300])
    func durationsItCannotHonourAreRefused(_ seconds: Double) {
        #expect(!TraceSchedule.accepts(seconds: seconds))
        #expect(TraceSchedule(start: Self.start, seconds: seconds) == nil)
    }

    @Test(arguments: [1e-9, 0.2, 3_000_000, 1e9, 1e10])
    func aLongDurationEndsWhenItSaysWithoutOverflow(_ seconds: Double) throws {
        let schedule = try #require(TraceSchedule(start: Self.start, seconds: seconds))
        let end = try #require(schedule.end)
        #expect(end == Self.start + UInt64(seconds * 1e9))
        #expect(!schedule.isOver(now: end - 1) || seconds < 1e-6)
        #expect(schedule.isOver(now: end))
        // Waits are at most a second, however far the end is.
        #expect(schedule.pollTimeout(now: Self.start, nextCheck: nil) <= 1000)
    }

    @Test func withoutDurationItNeverEnds() throws {
        let schedule = try #require(TraceSchedule(start: Self.start, seconds: nil))
        #expect(schedule.end == nil)
        #expect(!schedule.isOver(now: .max))
        #expect(schedule.pollTimeout(now: .max - 10, nextCheck: nil) >= 0)
    }

    @Test func pollWaitsUntilTheEarliestOfCheckEndAndASecond() throws {
        let schedule = try #require(TraceSchedule(start: Self.start, seconds: 0.5))
        #expect(schedule.pollTimeout(now: Self.start, nextCheck: nil) == 500)
        #expect(schedule.pollTimeout(now: Self.start, nextCheck: Self.start + 2_500_000) == 3, "rounded up")
        #expect(schedule.pollTimeout(now: Self.start, nextCheck: Self.start) == 0)
        #expect(schedule.pollTimeout(now: Self.start, nextCheck: 1) == 0, "a check already due")
        #expect(schedule.pollTimeout(now: Self.start + 600_000_000, nextCheck: nil) == 0, "past the end")
        let endless = try #require(TraceSchedule(start: Self.start, seconds: nil))
        #expect(endless.pollTimeout(now: Self.start, nextCheck: nil) == 1000)
    }

    @Test func aBusyStepPausesAndAQuietOneDoesNot() throws {
        let schedule = try #require(TraceSchedule(start: Self.start, seconds: nil))
        #expect(schedule.pause(afterPages: 0) == 0)
        #expect(schedule.pause(afterPages: TraceSchedule.busyPages - 1) == 0)
        #expect(schedule.pause(afterPages: TraceSchedule.busyPages) > 0)
    }
}
