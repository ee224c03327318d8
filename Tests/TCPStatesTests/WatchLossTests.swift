import Testing
@testable import TCPStates

/// The exit line counts every loss.
@Suite struct WatchLossTests {
    @Test func theExitLineCountsEveryLossAndSaysWhatIsUnknown() {
        var tally = WatchLossTally()
        #expect(tally.summary == nil, "nothing lost, nothing said")
        let at = WatchInstant(wallMilliseconds: 0, monotonicMilliseconds: 0)
        tally.add(WatchLoss(time: at, what: .destroyEvents, count: nil))
        #expect(tally.summary?.hasPrefix("destroy events lost 1 time (1 time by the kernel, count unknown)") == true)
        tally.add(WatchLoss(time: at, what: .destroyBacklog, count: 7))
        tally.add(WatchLoss(time: at, what: .destroyEvents, count: nil))
        #expect(tally.times == 3 && tally.knownCount == 7 && tally.uncountedTimes == 2)
        #expect(tally.summary?.hasPrefix("destroy events lost 3 times (7 dropped by the watch; 2 times by the kernel, count unknown)") == true,
                "\(tally.summary ?? "")")
    }
}
