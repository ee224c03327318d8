import Testing
@testable import TCPStates

/// When the watch polls.
@Suite struct RefreshScheduleTests {
    @Test func pollsOnTheGridFromTheStart() {
        var schedule = RefreshSchedule(intervalMilliseconds: 1000, start: 5000)
        #expect(schedule.isDue(at: 5000))
        #expect(schedule.timeout(at: 4990) == 10)
        schedule.refreshed(at: 5030)  // a 30 ms poll
        #expect(schedule.nextMilliseconds == 6000)
        #expect(!schedule.isDue(at: 5999) && schedule.isDue(at: 6000))
        #expect(schedule.timeout(at: 5400) == 600)
        schedule.refreshed(at: 6010)
        #expect(schedule.nextMilliseconds == 7000, "no drift from the time a poll takes")
    }

    @Test func aPollThatOverrunsItsSlotGetsAWholeIntervalNotABurstOfCatchUps() {
        var schedule = RefreshSchedule(intervalMilliseconds: 100, start: 0)
        schedule.refreshed(at: 350)
        #expect(schedule.nextMilliseconds == 450)
        #expect(schedule.timeout(at: 500) == 0, "late: poll at once")
    }
}
