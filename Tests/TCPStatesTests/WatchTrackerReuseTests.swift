import Testing
@testable import TCPStates

/// Every end printed once when loopback reuses a TIME_WAIT tuple while the
/// destroy listener lags: its TIME_WAIT look-up then answers for another
/// socket on the same endpoints than the one destroyed. The sequences are
/// the ones captured from a watch of two namespaces churning under load
/// (tuples 56644 and 50840 of the run that printed too many, then too few ends).
@Suite struct WatchTrackerReuseTests {
    /// Two connections from 127.0.0.1:40102 to :7400, the second on the first's
    /// TIME_WAIT tuple 1.2 s later; no dump saw either while it was full.
    struct ReuseRun {
        let firstTimeWait: Connection, secondTimeWait: Connection
        let firstDestroyed: Connection, secondDestroyed: Connection

        init() throws {
            // Each dump also has the listener.
            firstTimeWait = try #require(try Fixture.decodeNetlink("sockdiag-reuse-first.bin").first { $0.local.port == 40102 })
            secondTimeWait = try #require(try Fixture.decodeNetlink("sockdiag-reuse-second.bin").first { $0.local.port == 40102 })
            var destroyed: [Connection] = []
            _ = try Fixture.bytes("sockdiag-reuse-destroy.bin").withUnsafeBytes { raw in
                try InetDiagDecoder.decode(raw) { destroyed.append($0) }
            }
            let clients = destroyed.filter { $0.local.port == 40102 && $0.remote.port == 7400 }
            try #require(clients.count == 2)
            (firstDestroyed, secondDestroyed) = (clients[0], clients[1])
        }
    }

    /// The client ends among `events`, counted as the churn tests count them:
    /// an open or a change into TIME_WAIT, or a close of a socket not in TIME_WAIT.
    static func ends(_ events: [WatchEvent]) -> Int {
        events.filter { event in
            guard event.connection.remote.port == 7400 else { return false }
            switch event.kind {
            case .open, .change: return event.connection.kernelState == KernelTCPState.timeWait
            case .close: return event.previousKernelState != KernelTCPState.timeWait
            case .present: return false
            }
        }.count
    }

    @Test func theCaptureIsOneTupleWithTwoSocketsEachWithATimeWaitOfItsOwn() throws {
        let run = try ReuseRun()
        #expect(run.firstTimeWait.isTimewait && run.secondTimeWait.isTimewait)
        #expect(run.firstTimeWait.endpointKey == run.secondTimeWait.endpointKey)
        #expect(run.firstDestroyed.endpointKey == run.secondDestroyed.endpointKey)
        let cookies = [run.firstDestroyed, run.secondDestroyed, run.firstTimeWait, run.secondTimeWait].map(\.cookie)
        #expect(Set(cookies).count == 4, "\(cookies)")
    }

    @Test func aLookUpOlderThanThePollThatSawTheNextTimeWaitPrintsNoEndTwice() throws {
        // The first look-up found the first TIME_WAIT; a poll saw the second before either message was read.
        let run = try ReuseRun()
        var tracker = SocketTracker()
        _ = try WatchTrackerTests.refresh(&tracker, [], at: 0)
        var events = try WatchTrackerTests.refresh(&tracker, [run.secondTimeWait], at: 3000)
        events += tracker.observeDestroyed(run.firstDestroyed, current: run.firstTimeWait, at: WatchTrackerTests.at(5000))
        events += tracker.observeDestroyed(run.secondDestroyed, current: run.secondTimeWait, at: WatchTrackerTests.at(5000))
        #expect(Self.ends(events) == 2, "\(events.map { "\($0.kind) \($0.connection.cookie) \($0.connection.kernelState)" })")
        // The second TIME_WAIT socket stays, and the next poll has nothing to add.
        #expect(tracker.entries[run.secondTimeWait.key] != nil)
        #expect(try WatchTrackerTests.refresh(&tracker, [run.secondTimeWait], at: 5500).isEmpty)
    }

    @Test func aLateLookUpThatFindsTheNextSocketsTimeWaitLosesNoEnd() throws {
        // Both look-ups were made after the reuse: both found the second TIME_WAIT, which a poll had printed.
        let run = try ReuseRun()
        var tracker = SocketTracker()
        _ = try WatchTrackerTests.refresh(&tracker, [], at: 0)
        var events = try WatchTrackerTests.refresh(&tracker, [run.secondTimeWait], at: 3000)
        events += tracker.observeDestroyed(run.firstDestroyed, current: run.secondTimeWait, at: WatchTrackerTests.at(5000))
        events += tracker.observeDestroyed(run.secondDestroyed, current: run.secondTimeWait, at: WatchTrackerTests.at(5000))
        #expect(Self.ends(events) == 2, "\(events.map { "\($0.kind) \($0.connection.cookie) \($0.connection.kernelState)" })")
        #expect(try WatchTrackerTests.refresh(&tracker, [run.secondTimeWait], at: 5500).isEmpty)
    }

    @Test func aLateLookUpThatFindsNoTimeWaitTakesThePollsEnd() throws {
        // The first socket's TIME_WAIT, printed by a poll, was gone by its look-up (the tuple held a full socket).
        let run = try ReuseRun()
        var tracker = SocketTracker()
        _ = try WatchTrackerTests.refresh(&tracker, [], at: 0)
        var events = try WatchTrackerTests.refresh(&tracker, [run.firstTimeWait], at: 1000)
        events += tracker.observeDestroyed(run.firstDestroyed, current: nil, at: WatchTrackerTests.at(2500))
        events += tracker.observeDestroyed(run.secondDestroyed, current: run.secondTimeWait, at: WatchTrackerTests.at(2600))
        #expect(Self.ends(events) == 2, "\(events.map { "\($0.kind) \($0.connection.cookie) \($0.connection.kernelState)" })")
    }

    @Test func aTimeWaitEndAPollPrintedIsForgottenWithTheCloseMemory() throws {
        // A poll printed a TIME_WAIT whose destroy message never comes (sent before the watch subscribed):
        // after the close memory, a later socket's message on the tuple prints its own end.
        let run = try ReuseRun()
        var tracker = SocketTracker()
        tracker.closeMemoryMilliseconds = 1000
        _ = try WatchTrackerTests.refresh(&tracker, [], at: 0)
        _ = try WatchTrackerTests.refresh(&tracker, [run.firstTimeWait], at: 500)
        _ = try WatchTrackerTests.refresh(&tracker, [], at: 2000)
        let events = tracker.observeDestroyed(run.secondDestroyed, current: run.secondTimeWait, at: WatchTrackerTests.at(2100))
        #expect(Self.ends(events) == 1, "\(events)")
    }
}
