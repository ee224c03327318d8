import Foundation
import Testing
@testable import TCPStates

/// The diff behind --watch, from real captured sockets.
@Suite struct WatchTrackerTests {
    static func at(_ ms: Int64) -> WatchInstant {
        WatchInstant(wallMilliseconds: 1_764_000_000_000 + ms, monotonicMilliseconds: 5_000 + ms)
    }

    /// The sockets of the captured dump, each once per key.
    static func sample() throws -> [Connection] {
        var seen = Set<ConnectionKey>()
        return try Fixture.decodeNetlink("sockdiag-dump.bin").filter { seen.insert($0.key).inserted }
    }

    /// The destroy messages of the captured multicast stream.
    static func destroyed() throws -> [Connection] {
        var connections: [Connection] = []
        let progress = try Fixture.bytes("sockdiag-destroy.bin").withUnsafeBytes { raw in
            try InetDiagDecoder.decode(raw) { connections.append($0) }
        }
        #expect(progress == .more)
        return connections
    }

    static func refresh(_ tracker: inout SocketTracker, _ snapshot: [Connection], at ms: Int64) throws -> [WatchEvent] {
        tracker.beginRefresh(at: at(ms))
        for c in snapshot { try tracker.add(c) }
        return tracker.finishRefresh()
    }

    static func with(_ c: Connection, state: UInt8) -> Connection {
        var changed = c
        changed.kernelState = state
        return changed
    }

    @Test func firstRefreshReportsEverySocketAsPresent() throws {
        let sample = try Self.sample()
        var tracker = SocketTracker()
        let events = try Self.refresh(&tracker, sample, at: 0)
        #expect(events.map(\.kind) == Array(repeating: .present, count: sample.count))
        #expect(events.map(\.connection) == sample)
        #expect(tracker.transitions.isEmpty)
        #expect(tracker.entries.values.allSatisfy { !$0.enteredAtIsKnown && tracker.mark(of: $0) == .none })
    }

    @Test func secondSnapshotYieldsOpenChangeAndClose() throws {
        let sample = try Self.sample()
        try #require(sample.count >= 3)
        var tracker = SocketTracker()
        _ = try Self.refresh(&tracker, Array(sample.dropFirst()), at: 0)
        // sample[0] appears, sample[1] changes state, sample[2] goes away.
        let changedState: UInt8 = sample[1].kernelState == 8 ? 9 : 8
        var next = sample
        next[1] = Self.with(sample[1], state: changedState)
        next.remove(at: 2)
        let events = try Self.refresh(&tracker, next, at: 1500)
        #expect(events.count == 3)
        let byKind = Dictionary(grouping: events, by: \.kind)
        #expect(byKind[.open]?.map(\.connection) == [sample[0]])
        let change = try #require(byKind[.change]?.first)
        #expect(change.connection == next[1])
        #expect(change.previousKernelState == sample[1].kernelState)
        #expect(change.previousStateMilliseconds == nil, "its old state began before the watch did")
        let close = try #require(byKind[.close]?.first)
        #expect(close.connection.key == sample[2].key)
        #expect(close.previousKernelState == sample[2].kernelState)
        #expect(close.stateName == "CLOSED")
        #expect(tracker.gone.map(\.connection.key) == [sample[2].key])
        #expect(Set(tracker.entries.keys) == Set(next.map(\.key)))
        #expect(tracker.transitions.map(\.kind) == events.map(\.kind))
    }

    @Test func oneConnectionThroughItsStatesIsOneSocketWithKnownAges() throws {
        let client = try #require(try Self.sample().first { $0.remote.port != 0 })
        let listener = try #require(try Self.sample().first { $0.remote.port == 0 })
        var tracker = SocketTracker()
        _ = try Self.refresh(&tracker, [listener], at: 0)
        let steps: [(UInt8, Int64)] = [(1, 1000), (5, 1400), (5, 2000), (6, 3100)]
        var kinds: [WatchEvent.Kind] = []
        var durations: [Int64?] = []
        for (state, ms) in steps {
            for event in try Self.refresh(&tracker, [listener, Self.with(client, state: state)], at: ms) {
                kinds.append(event.kind)
                durations.append(event.previousStateMilliseconds)
            }
        }
        #expect(kinds == [.open, .change, .change])
        #expect(durations == [nil, 400, 1700])
        let entry = try #require(tracker.entries[client.key])
        #expect(entry.previousKernelState == 5)
        #expect(entry.enteredAtIsKnown)
        #expect(entry.age(at: Self.at(4000)) == 900)
        #expect(tracker.entries[listener.key]?.age(at: Self.at(4000)) == 4000)
        #expect(tracker.entries[listener.key]?.enteredAtIsKnown == false)
    }

    @Test func requestSocketBecomingFullIsNoChange() throws {
        let c = try #require(try Self.sample().first { $0.remote.port != 0 })
        var tracker = SocketTracker()
        _ = try Self.refresh(&tracker, [Self.with(c, state: 12)], at: 0)
        #expect(try Self.refresh(&tracker, [Self.with(c, state: 3)], at: 100).isEmpty)
    }

    @Test func marksLastForTheConfiguredRefreshes() throws {
        let sample = try Self.sample()
        var tracker = SocketTracker()
        tracker.markedRefreshes = 2
        _ = try Self.refresh(&tracker, [], at: 0)
        var marks: [SocketTracker.Mark] = []
        for step in 1...3 {
            _ = try Self.refresh(&tracker, [sample[0]], at: Int64(step) * 100)
            marks.append(try #require(tracker.entries[sample[0].key]).mark(in: tracker))
        }
        #expect(marks == [.new, .new, .none])
    }

    @Test func destroyOfATrackedSocketClosesItOnce() throws {
        let destroyed = try Self.destroyed()
        try #require(destroyed.count == 3)
        let server = destroyed[1]
        #expect(server.kernelState == 7, "the kernel reports destroyed sockets as CLOSED")
        var tracker = SocketTracker()
        _ = try Self.refresh(&tracker, [Self.with(server, state: 8)], at: 0)
        let events = tracker.observeDestroyed(server, current: nil, at: Self.at(700))
        #expect(events.map(\.kind) == [.close])
        #expect(events.first?.previousKernelState == 8)
        #expect(tracker.entries.isEmpty)
        // The next poll does not see it either: no second close.
        #expect(try Self.refresh(&tracker, [], at: 1000).isEmpty)
    }

    @Test func destroyOfASocketNowInTimeWaitIsAChange() throws {
        let client = try Self.destroyed()[0]
        var tracker = SocketTracker()
        _ = try Self.refresh(&tracker, [Self.with(client, state: 1)], at: 0)
        let events = tracker.observeDestroyed(client, current: Self.with(client, state: 5), at: Self.at(300))
        #expect(events.map(\.kind) == [.change])
        #expect(events.first?.previousKernelState == 1)
        #expect(events.first?.connection.kernelState == 5)
        #expect(try Self.refresh(&tracker, [Self.with(client, state: 5)], at: 1000).isEmpty)
    }

    @Test func destroyAfterThePollSawTheSocketGoIsNotASecondClose() throws {
        let server = try Self.destroyed()[1]
        var tracker = SocketTracker()
        _ = try Self.refresh(&tracker, [Self.with(server, state: 8)], at: 0)
        #expect(try Self.refresh(&tracker, [], at: 1000).map(\.kind) == [.close])
        #expect(tracker.observeDestroyed(server, current: nil, at: Self.at(1010)).isEmpty)
        // Much later the same endpoints are a new connection.
        #expect(tracker.observeDestroyed(server, current: nil, at: Self.at(9000)).map(\.kind) == [.close])
    }

    @Test func socketNoPollSawStillCloses() throws {
        var tracker = SocketTracker()
        _ = try Self.refresh(&tracker, [], at: 0)
        for (index, socket) in try Self.destroyed().enumerated() {
            let events = tracker.observeDestroyed(socket, current: nil, at: Self.at(Int64(100 + index)))
            #expect(events.count == 1)
            #expect(events.first?.kind == .close)
            #expect(events.first?.connection.key == socket.key)
            #expect(events.first?.previousKernelState == nil)
            #expect(events.first?.previousStateMilliseconds == nil)
        }
    }

    @Test func filtersDecideWhichUnseenDestroyedSocketsCount() throws {
        let destroyed = try Self.destroyed()
        let connection = destroyed[1], listener = destroyed[2]
        #expect(ConnectionFilter().mayHaveHeld(destroyed: connection))
        #expect(ConnectionFilter().mayHaveHeld(destroyed: listener))
        var listening = ConnectionFilter()
        listening.states = StateSet([.listen])
        #expect(!listening.mayHaveHeld(destroyed: connection))
        #expect(listening.mayHaveHeld(destroyed: listener))
        var otherPort = ConnectionFilter()
        otherPort.ports = try PortRanges(parsing: "1-1000")
        #expect(!otherPort.mayHaveHeld(destroyed: connection))
        var ipv6Only = ConnectionFilter()
        ipv6Only.families = [.ipv6]
        #expect(!ipv6Only.mayHaveHeld(destroyed: connection))
        #expect(ipv6Only.mayHaveHeld(destroyed: listener))
    }
}

extension SocketTracker.Entry {
    func mark(in tracker: SocketTracker) -> SocketTracker.Mark { tracker.mark(of: self) }
}
