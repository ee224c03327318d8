import Foundation
import Testing
@testable import TCPStates

/// The diff behind --watch, from real captured sockets; its incremental
/// diff, counts and row order give what the plain algorithms give.
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

    @Test(arguments: [true, false])
    func goneHoldsTheClosesSinceTheRefreshBeganOnlyWhenKept(keepsGone: Bool) throws {
        let sample = try Self.sample()
        let destroyed = try Self.destroyed()
        try #require(Set(sample.map(\.key)).isDisjoint(with: destroyed.map(\.key)))
        var tracker = SocketTracker()
        tracker.keepsGone = keepsGone
        _ = try Self.refresh(&tracker, sample, at: 0)
        // Sockets no poll saw, destroyed after that refresh.
        let destroyCloses = destroyed.flatMap { tracker.observeDestroyed($0, current: nil, at: Self.at(500)) }
        #expect(destroyCloses.map(\.kind) == Array(repeating: .close, count: destroyed.count))
        #expect(tracker.gone.map(\.connection.key) == (keepsGone ? destroyed.map(\.key) : []))
        // The next two polls find none of the sample: every close is still an event.
        #expect(try Self.refresh(&tracker, [], at: 1000).isEmpty)
        #expect(tracker.gone.isEmpty)
        let pollCloses = try Self.refresh(&tracker, [], at: 2000)
        #expect(pollCloses.map(\.kind) == Array(repeating: .close, count: sample.count))
        #expect(Set(tracker.gone.map(\.connection.key)) == (keepsGone ? Set(sample.map(\.key)) : []))
        #expect(try Self.refresh(&tracker, [], at: 3000).isEmpty)
        #expect(tracker.gone.isEmpty)
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
        #expect(try Self.refresh(&tracker, [], at: 1000).isEmpty, "missed once")
        #expect(try Self.refresh(&tracker, [], at: 2000).map(\.kind) == [.close])
        #expect(tracker.observeDestroyed(server, current: nil, at: Self.at(2010)).isEmpty)
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

    // MARK: the incremental diff, counts and order against the plain algorithms, on shuffled, rotated and edited dumps

    /// A fixed sequence of numbers, so that a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Every captured socket, each once, without its cookie: the captures come from different
    /// namespaces, and one 4-tuple holds one connected socket at a time, so a
    /// tuple is kept once too (a second socket on it would be a reuse, and two
    /// listeners on it would sort as equals).
    static func sockets() throws -> [Connection] {
        var seen = Set<ConnectionKey>()
        var tuples = Set<ConnectionKey>()
        return try (Fixture.decodeNetlink("sockdiag-dump.bin") + Fixture.decodeNetlink("sockdiag-dump-both-families.bin")
            + Fixture.decodeNetlink("sockdiag-info.bin")).filter {
                seen.insert($0.key).inserted && tuples.insert($0.endpointKey).inserted
            }.map {
                // The dumps below give sockets random states, arrows the diagram lacks included: without a cookie
                // (as from /proc) such a change is a close and an open, which the plain diff can model.
                var socket = $0
                socket.cookie = 0
                return socket
            }
    }

    /// Successive dumps: mostly the previous one in the same order, with
    /// sockets gone, new ones (anywhere), state changes, the order rotated or shuffled.
    static func dumps(_ pool: [Connection], count: Int, seed: UInt64) -> [[Connection]] {
        var random = SplitMix(state: seed)
        var current = Array(pool.prefix(pool.count / 2))
        var dumps = [current]
        for _ in 1..<count {
            switch Int.random(in: 0..<8, using: &random) {
            case 0: current.shuffle(using: &random)
            case 1: current = Array(current.dropFirst(2) + current.prefix(2))
            default: break
            }
            for _ in 0..<Int.random(in: 0...3, using: &random) where !current.isEmpty {
                current.remove(at: Int.random(in: current.indices, using: &random))
            }
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                let socket = pool.randomElement(using: &random)!
                if !current.contains(where: { $0.key == socket.key }) {
                    current.insert(socket, at: Int.random(in: 0...current.count, using: &random))
                }
            }
            for _ in 0..<Int.random(in: 0...2, using: &random) where !current.isEmpty {
                let index = Int.random(in: current.indices, using: &random)
                current[index].kernelState = [1, 3, 5, 6, 8, 10, 12, 99].randomElement(using: &random)!
            }
            dumps.append(current)
        }
        return dumps
    }

    /// The diff as the first tracker made it: a dictionary of the previous
    /// snapshot, a lookup for each new socket, a pass for the vanished ones;
    /// a change the diagram has no path for is a close and an open. On top,
    /// the tracker's one rule: a socket one dump lacks stays, a second closes it.
    struct PlainDiff {
        /// The sockets present, and whether the last dump lacked them.
        var present: [ConnectionKey: (connection: Connection, missed: Bool)] = [:]

        /// Events as (kind, key, state, previous state), closes in no order.
        mutating func next(_ dump: [Connection]) -> (opensAndChanges: [String], closes: Set<String>) {
            var events: [String] = []
            var closes: Set<String> = []
            var remaining = present
            var next: [ConnectionKey: (connection: Connection, missed: Bool)] = [:]
            for c in dump {
                if let old = remaining.removeValue(forKey: c.key)?.connection, c.canFollow(old) {
                    if !c.hasSameState(as: old) { events.append("change \(c.key) \(c.kernelState) \(old.kernelState)") }
                } else {
                    if let old = present[c.key]?.connection { closes.insert("close \(c.key) 7 \(old.kernelState)") }
                    events.append("open \(c.key) \(c.kernelState)")
                }
                next[c.key] = (c, false)
            }
            for (key, old) in remaining {
                if old.missed {
                    closes.insert("close \(key) 7 \(old.connection.kernelState)")
                } else {
                    next[key] = (old.connection, true)
                }
            }
            present = next
            return (events, closes)
        }

        var connections: [Connection] { present.values.map(\.connection) }
    }

    static func describe(_ event: WatchEvent) -> String {
        let state = event.kind == .close ? 7 : event.connection.kernelState
        let previous = event.previousKernelState.map { " \($0)" } ?? ""
        return "\(event.kind == .present ? "open" : event.kind.rawValue) \(event.connection.key) \(state)\(previous)"
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func diffOfEachDumpIsThePlainDiff(seed: UInt64) throws {
        let pool = try Self.sockets()
        try #require(pool.count >= 10)
        var tracker = SocketTracker()
        var plain = PlainDiff()
        for (step, dump) in Self.dumps(pool, count: 60, seed: seed).enumerated() {
            let events = try Self.refresh(&tracker, dump, at: Int64(step) * 1000)
            let expected = plain.next(dump)
            let described = events.map(Self.describe)
            #expect(Array(described.filter { !$0.hasPrefix("close") }) == expected.opensAndChanges, "step \(step)")
            #expect(Set(described.filter { $0.hasPrefix("close") }) == expected.closes, "step \(step)")
            #expect(Set(tracker.entries.keys) == Set(plain.present.keys))
            #expect(tracker.counts == StateCounts(plain.connections), "step \(step)")
        }
    }

    @Test(arguments: ConnectionOrder.allCases)
    func orderAfterOpensChangesAndClosesIsAFullSort(order: ConnectionOrder) throws {
        let pool = try Self.sockets()
        var tracker = SocketTracker()
        tracker.order = order
        var plain = PlainDiff()
        for (step, dump) in Self.dumps(pool, count: 40, seed: 7).enumerated() {
            _ = try Self.refresh(&tracker, dump, at: Int64(step) * 1000)
            _ = plain.next(dump)
            var sorted = plain.connections
            order.sort(&sorted)
            #expect(tracker.ordered.map(\.connection) == sorted, "step \(step)")
        }
        // A destroyed socket closes between polls: the order follows at once.
        let destroyed = try #require(tracker.ordered.last?.connection)
        _ = tracker.observeDestroyed(destroyed, current: nil, at: Self.at(99_000))
        #expect(!tracker.ordered.contains { $0.connection.key == destroyed.key })
        // Choosing another order re-sorts what is there.
        tracker.order = .remote
        var sorted = Array(tracker.entries.values.map(\.connection))
        ConnectionOrder.remote.sort(&sorted)
        #expect(tracker.ordered.map(\.connection) == sorted)
    }

    @Test func everyScrollPositionShowsTheRowsOfAFullSortWithTheGoneOnes() throws {
        let pool = try Self.sockets()
        var tracker = SocketTracker()
        for (step, dump) in Self.dumps(pool, count: 12, seed: 3).enumerated() {
            _ = try Self.refresh(&tracker, dump, at: Int64(step) * 1000)
        }
        try #require(!tracker.gone.isEmpty)
        // The first screen's way: present then gone rows, one stable sort.
        let all = tracker.entries.values.map { ($0.connection, false) } + tracker.gone.map { ($0.connection, true) }
        let expected = all.enumerated().sorted { a, b in
            let (x, y) = (a.element.0, b.element.0)
            if ConnectionOrder.state.areInIncreasingOrder(x, y) { return true }
            if ConnectionOrder.state.areInIncreasingOrder(y, x) { return false }
            return a.element.1 != b.element.1 ? !a.element.1 : a.offset < b.offset
        }.map(\.element)
        var screen = WatchScreen(width: 300, height: 9, title: "t")
        screen.maxTransitionRows = 0
        var checked = 0
        for first in 0..<expected.count {
            screen.firstRow = first
            let rows = WatchScreenTests.tableRows(screen.lines(tracker, at: Self.at(20_000)))
            let start = min(first, expected.count - rows.count)
            for (row, (connection, isGone)) in zip(rows, expected[start...]) {
                #expect(row.hasPrefix("- ") == isGone, "\(row)")
                #expect(row.contains(SocketKey.text(connection.local) + " ") && row.contains(SocketKey.text(connection.remote)),
                        "row \(first): \(row)")
                checked += 1
            }
        }
        #expect(checked > expected.count)
    }

    @Test func slotsRemovedAndReusedBeforeAnUpdateAreSortedOnce() {
        var order = SlotOrder()
        var keys: [Int32: Int] = [:]
        var random = SplitMix(state: 11)
        for round in 0..<50 {
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                let slot = Int32.random(in: 0..<30, using: &random)
                if keys[slot] != nil, Bool.random(using: &random) {
                    keys[slot] = nil
                    order.remove(slot)
                } else {
                    keys[slot] = Int.random(in: 0..<1000, using: &random) * 100 + Int(slot)  // distinct
                    order.place(slot)
                }
            }
            order.update { keys[$0]! < keys[$1]! }
            #expect(order.slots == keys.keys.sorted { keys[$0]! < keys[$1]! }, "round \(round)")
        }
    }

    // MARK: identity by cookie, from one captured run (Fixtures/README.md: sockdiag-cookie-*)

    /// The dumps and destroy messages of the cookie capture.
    struct CookieRun {
        let before: [Connection], after: [Connection], reuse: [Connection], destroyed: [Connection]

        init() throws {
            before = try Fixture.decodeNetlink("sockdiag-cookie-before.bin")
            after = try Fixture.decodeNetlink("sockdiag-cookie-after.bin")
            reuse = try Fixture.decodeNetlink("sockdiag-cookie-reuse.bin")
            var destroyed: [Connection] = []
            _ = try Fixture.bytes("sockdiag-cookie-destroy.bin").withUnsafeBytes { raw in
                try InetDiagDecoder.decode(raw) { destroyed.append($0) }
            }
            self.destroyed = destroyed
        }

        /// The socket on these ports in `connections`.
        func on(_ local: UInt16, _ remote: UInt16, in connections: [Connection]) throws -> Connection {
            try #require(connections.first { $0.local.port == local && $0.remote.port == remote })
        }
    }

    @Test func theKernelKeepsACookieIntoTimeWaitOnlyWhenADumpMadeItFirst() throws {
        let run = try CookieRun()
        // 40100 was dumped while ESTABLISHED; 40101 never was.
        let seen = try run.on(40100, 7400, in: run.before)
        #expect(try run.on(40100, 7400, in: run.destroyed).cookie == seen.cookie)
        #expect(try run.on(40100, 7400, in: run.after).cookie == seen.cookie)
        #expect(try run.on(40101, 7400, in: run.destroyed).cookie != (try run.on(40101, 7400, in: run.after).cookie))
        // A new socket on a reused tuple has a cookie of its own.
        #expect(try run.on(40100, 7400, in: run.reuse).cookie != seen.cookie)
    }

    @Test func aDestroyedSocketWhoseTimeWaitKeptItsCookieIsAChangeNotAClose() throws {
        let run = try CookieRun()
        var tracker = SocketTracker()
        _ = try Self.refresh(&tracker, run.before, at: 0)
        let client = try run.on(40100, 7400, in: run.destroyed)
        let events = tracker.observeDestroyed(client, current: try run.on(40100, 7400, in: run.after), at: Self.at(100))
        #expect(events.map { "\($0.kind) \($0.previousKernelState ?? 0) \($0.connection.kernelState)" } == ["change 1 6"])
        // The server's socket is freed outright.
        let server = tracker.observeDestroyed(try run.on(7400, 40100, in: run.destroyed), current: nil, at: Self.at(110))
        #expect(server.map(\.kind) == [.close])
        #expect(server.first?.previousKernelState == 1)
        // The next poll agrees: no second event for either.
        let next = try Self.refresh(&tracker, run.after.filter { $0.local.port != 40101 }, at: 1000)
        #expect(next.isEmpty, "\(next)")
    }

    @Test func aSocketNoPollSawThatEndsInTimeWaitIsOneOpenInTimeWait() throws {
        let run = try CookieRun()
        var tracker = SocketTracker()
        _ = try Self.refresh(&tracker, run.before, at: 0)
        let timeWait = try run.on(40101, 7400, in: run.after)
        let events = tracker.observeDestroyed(try run.on(40101, 7400, in: run.destroyed), current: timeWait, at: Self.at(100))
        #expect(events.map(\.kind) == [.open])
        #expect(events.first?.connection == timeWait)
        #expect(tracker.observeDestroyed(try run.on(7400, 40101, in: run.destroyed), current: nil, at: Self.at(110)).map(\.kind)
                == [.close])
        // The poll sees the TIME_WAIT socket under the cookie it was filed by (the other pair's changes aside).
        let next = try Self.refresh(&tracker, run.after, at: 1000)
        #expect(!next.contains { $0.connection.local.port == 40101 || $0.connection.remote.port == 40101 }, "\(next)")
    }

    @Test func aLostLookupAnswerLeavesTheEndToTheNextPollWhichPrintsItOnce() throws {
        let run = try CookieRun()
        var tracker = SocketTracker()
        _ = try Self.refresh(&tracker, run.before, at: 0)
        // 40101: no poll saw it; 40100: a poll did. Both look-ups went unanswered.
        #expect(tracker.observeDestroyed(try run.on(40101, 7400, in: run.destroyed), current: nil,
                                         successorIsUnknown: true, at: Self.at(100)).isEmpty)
        #expect(tracker.observeDestroyed(try run.on(40100, 7400, in: run.destroyed), current: nil,
                                         successorIsUnknown: true, at: Self.at(105)).isEmpty)
        // The server's ends were answered: closes now.
        for port: UInt16 in [40100, 40101] {
            #expect(tracker.observeDestroyed(try run.on(7400, port, in: run.destroyed), current: nil, at: Self.at(110))
                .map(\.kind) == [.close])
        }
        // The poll finds both in TIME_WAIT: one event each, no close.
        let next = try Self.refresh(&tracker, run.after, at: 1000)
        let clients = next.filter { $0.connection.remote.port == 7400 && [40100, 40101].contains($0.connection.local.port) }
        #expect(clients.map { "\($0.connection.local.port) \($0.kind) \($0.connection.kernelState)" }.sorted()
                == ["40100 change 6", "40101 open 6"], "\(clients)")
    }

    @Test func aLostLookupAnswerWithNoTimeWaitAfterIsOneCloseAtTheDestroysTime() throws {
        let run = try CookieRun()
        var tracker = SocketTracker()
        _ = try Self.refresh(&tracker, run.before, at: 0)
        let destroyed = try run.on(40101, 7400, in: run.destroyed)
        #expect(tracker.observeDestroyed(destroyed, current: nil, successorIsUnknown: true, at: Self.at(100)).isEmpty)
        // No TIME_WAIT socket on its endpoints in the poll (its tuple gone, say TIME_WAIT buckets were full).
        let next = try Self.refresh(&tracker, run.after.filter { $0.local.port != 40101 }, at: 1000)
        let closes = next.filter { $0.connection.local.port == 40101 }
        #expect(closes.map(\.kind) == [.close], "\(next)")
        #expect(closes.first?.time == Self.at(100))
        #expect(try Self.refresh(&tracker, run.after.filter { $0.local.port != 40101 }, at: 2000)
            .allSatisfy { $0.connection.local.port != 40101 })
    }

    @Test func aTimeWaitSocketAPollSawFirstTakesOverItsFullSocket() throws {
        // The destroy message comes after a poll: the poll finds TIME_WAIT under a new cookie on the same tuple.
        let run = try CookieRun()
        let full = try run.on(40101, 7400, in: run.destroyed)
        var established = full
        established.kernelState = 1
        var tracker = SocketTracker()
        _ = try Self.refresh(&tracker, [established], at: 0)
        let events = try Self.refresh(&tracker, [try run.on(40101, 7400, in: run.after)], at: 1000)
        #expect(events.map { "\($0.kind) \($0.previousKernelState ?? 0) \($0.connection.kernelState)" } == ["change 1 6"])
        #expect(tracker.observeDestroyed(full, current: try run.on(40101, 7400, in: run.after), at: Self.at(1010)).isEmpty)
        #expect(tracker.entries.count == 1)
    }

    @Test func aReusedTupleIsACloseThenAnOpenAndTimeWaitNeverChanges() throws {
        let run = try CookieRun()
        for cookies in [true, false] {
            // Without cookies (/proc) the tuple is the identity, and the diagram tells the sockets apart.
            func source(_ connections: [Connection]) -> [Connection] {
                connections.map { var c = $0; if !cookies { c.cookie = 0 }; return c }
            }
            var tracker = SocketTracker()
            _ = try Self.refresh(&tracker, source(run.after), at: 0)
            let events = try Self.refresh(&tracker, source(run.reuse), at: 1000)
            let client = events.filter { $0.connection.local.port == 40100 }
                .map { "\($0.kind) \($0.previousKernelState ?? 0) \($0.connection.kernelState)" }
            #expect(client == ["close 6 6", "open 0 1"], "cookies: \(cookies)")
            #expect(!events.contains { $0.kind == .change && $0.previousKernelState == KernelTCPState.timeWait })
            #expect(tracker.entries.count == source(run.reuse).count)
        }
    }

    @Test func aSocketKnownByItsCookieNeverGoesBackOutOfTimeWait() throws {
        // Seen under churn: a TIME_WAIT socket dumped as FIN_WAIT_2 (its substate) after a lookup said TIME_WAIT.
        let run = try CookieRun()
        let timeWait = try run.on(40100, 7400, in: run.after)
        var tracker = SocketTracker()
        _ = try Self.refresh(&tracker, [timeWait], at: 0)
        #expect(try Self.refresh(&tracker, [Self.with(timeWait, state: KernelTCPState.finWait2)], at: 1000).isEmpty)
        #expect(tracker.entries[timeWait.key]?.connection.kernelState == KernelTCPState.timeWait)
        #expect(try Self.refresh(&tracker, [], at: 2000).isEmpty)
        #expect(try Self.refresh(&tracker, [], at: 3000).map { "\($0.kind) \($0.previousKernelState ?? 0)" } == ["close 6"])
    }

    @Test func theDiagramSaysWhichChangesOneSocketCanMake() throws {
        let socket = try #require(try Self.sample().first { $0.remote.port != 0 })
        func can(_ from: UInt8, _ to: UInt8) -> Bool { Self.with(socket, state: to).canFollow(Self.with(socket, state: from)) }
        #expect(can(1, 6) && can(2, 1) && can(5, 6) && can(4, 6) && can(8, 9) && can(12, 1) && can(6, 6))
        #expect(!can(6, 2) && !can(6, 1) && !can(6, 5) && !can(9, 1) && !can(5, 1) && !can(8, 4))
        var udp = Self.with(socket, state: 1)
        udp.transport = .udp
        var unconnected = udp
        unconnected.kernelState = 7
        #expect(udp.canFollow(unconnected) && unconnected.canFollow(udp), "UDP connects and disconnects")
    }
}

extension SocketTracker.Entry {
    func mark(in tracker: SocketTracker) -> SocketTracker.Mark { tracker.mark(of: self) }
}

extension StateCounts {
    init(_ connections: [Connection]) {
        self.init()
        for connection in connections { add(connection) }
    }
}
