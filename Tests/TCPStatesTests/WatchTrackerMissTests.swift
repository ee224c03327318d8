import Testing
@testable import TCPStates

/// A poll that misses a socket does not close it: a sock_diag dump taken in
/// several reads resumes by position within a hash bucket, so a socket freed
/// ahead of a live one between two reads makes the dump skip the live one.
/// The next poll decides, and a close it confirms is stamped with the first miss.
@Suite struct WatchTrackerMissTests {
    typealias T = WatchTrackerTests

    @Test func aSocketOnePollSkippedIsNeitherClosedNorOpenedAgain() throws {
        let sample = try T.sample()
        try #require(sample.count >= 3)
        var tracker = SocketTracker()
        _ = try T.refresh(&tracker, sample, at: 0)
        let skipped = sample[1]
        #expect(try T.refresh(&tracker, sample.filter { $0.key != skipped.key }, at: 1000).isEmpty)
        #expect(tracker.entries[skipped.key] != nil)
        #expect(try T.refresh(&tracker, sample, at: 2000).isEmpty)
        // Seen again, it starts over: one more miss is again not a close.
        #expect(try T.refresh(&tracker, sample.filter { $0.key != skipped.key }, at: 3000).isEmpty)
        #expect(tracker.counts == StateCounts(sample))
    }

    @Test func aSocketTwoPollsMissedClosesOnceAtTheFirstMiss() throws {
        let sample = try T.sample()
        let gone = try #require(sample.first { $0.remote.port != 0 })
        let rest = sample.filter { $0.key != gone.key }
        var tracker = SocketTracker()
        _ = try T.refresh(&tracker, sample, at: 0)
        _ = try T.refresh(&tracker, [T.with(gone, state: KernelTCPState.finWait1)] + rest, at: 500)
        #expect(try T.refresh(&tracker, rest, at: 1000).isEmpty)
        let closes = try T.refresh(&tracker, rest, at: 2000)
        #expect(closes.map(\.kind) == [.close])
        #expect(closes.first?.connection.key == gone.key)
        #expect(closes.first?.time == T.at(1000))
        #expect(closes.first?.previousKernelState == KernelTCPState.finWait1)
        #expect(closes.first?.previousStateMilliseconds == 500)
        #expect(tracker.entries[gone.key] == nil)
        #expect(try T.refresh(&tracker, rest, at: 3000).isEmpty)
    }

    @Test func aDestroyMessageClosesAMissedSocketAtOnceAndOnlyOnce() throws {
        let server = try T.destroyed()[1]
        var tracker = SocketTracker()
        _ = try T.refresh(&tracker, [T.with(server, state: KernelTCPState.lastAck)], at: 0)
        #expect(try T.refresh(&tracker, [], at: 1000).isEmpty)
        let events = tracker.observeDestroyed(server, current: nil, at: T.at(1200))
        #expect(events.map(\.kind) == [.close])
        #expect(events.first?.time == T.at(1000), "the poll that missed it is the earlier sign of its end")
        #expect(try T.refresh(&tracker, [], at: 2000).isEmpty)
    }

    @Test func aMissedSocketWhoseDestroyFindsItInTimeWaitIsAChange() throws {
        let client = try T.destroyed()[0]
        var tracker = SocketTracker()
        _ = try T.refresh(&tracker, [T.with(client, state: KernelTCPState.established)], at: 0)
        #expect(try T.refresh(&tracker, [], at: 1000).isEmpty)
        let timeWait = T.with(client, state: KernelTCPState.timeWait)
        let events = tracker.observeDestroyed(client, current: timeWait, at: T.at(1100))
        #expect(events.map { "\($0.kind) \($0.previousKernelState ?? 0)" } == ["change 1"])
        #expect(try T.refresh(&tracker, [timeWait], at: 2000).isEmpty)
        #expect(try T.refresh(&tracker, [timeWait], at: 3000).isEmpty)
    }
}
