import Testing
@testable import TCPStates

/// The incremental diff, counts and row order of --watch give what the
/// plain algorithms give, on real captured sockets in shuffled, rotated and
/// edited dumps.
@Suite struct WatchIncrementalTests {
    typealias T = WatchTrackerTests

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

    /// Every captured socket, each key once: both captures.
    static func sockets() throws -> [Connection] {
        var seen = Set<ConnectionKey>()
        return try (Fixture.decodeNetlink("sockdiag-dump.bin") + Fixture.decodeNetlink("sockdiag-dump-both-families.bin")
            + Fixture.decodeNetlink("sockdiag-info.bin")).filter { seen.insert($0.key).inserted }
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
    /// snapshot, a lookup for each new socket, a pass for the vanished ones.
    /// Events as (kind, key, state, previous state), closes in no order.
    static func plainDiff(_ previous: [ConnectionKey: Connection], _ next: [Connection])
        -> (opensAndChanges: [String], closes: Set<String>) {
        var events: [String] = []
        var remaining = previous
        for c in next {
            if let old = remaining.removeValue(forKey: c.key) {
                if !c.hasSameState(as: old) { events.append("change \(c.key) \(c.kernelState) \(old.kernelState)") }
            } else {
                events.append("open \(c.key) \(c.kernelState)")
            }
        }
        return (events, Set(remaining.values.map { "close \($0.key) 7 \($0.kernelState)" }))
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
        var previous: [ConnectionKey: Connection] = [:]
        for (step, dump) in Self.dumps(pool, count: 60, seed: seed).enumerated() {
            let events = try T.refresh(&tracker, dump, at: Int64(step) * 1000)
            let expected = Self.plainDiff(previous, dump)
            let described = events.map(Self.describe)
            #expect(Array(described.filter { !$0.hasPrefix("close") }) == expected.opensAndChanges, "step \(step)")
            #expect(Set(described.filter { $0.hasPrefix("close") }) == expected.closes, "step \(step)")
            previous = Dictionary(dump.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
            #expect(Set(tracker.entries.keys) == Set(previous.keys))
            #expect(tracker.counts == StateCounts(dump), "step \(step)")
        }
    }

    @Test(arguments: ConnectionOrder.allCases)
    func orderAfterOpensChangesAndClosesIsAFullSort(order: ConnectionOrder) throws {
        let pool = try Self.sockets()
        var tracker = SocketTracker()
        tracker.order = order
        for (step, dump) in Self.dumps(pool, count: 40, seed: 7).enumerated() {
            _ = try T.refresh(&tracker, dump, at: Int64(step) * 1000)
            var sorted = dump
            order.sort(&sorted)
            #expect(tracker.ordered.map(\.connection) == sorted, "step \(step)")
        }
        // A destroyed socket closes between polls: the order follows at once.
        let destroyed = try #require(tracker.ordered.last?.connection)
        _ = tracker.observeDestroyed(destroyed, current: nil, at: T.at(99_000))
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
            _ = try T.refresh(&tracker, dump, at: Int64(step) * 1000)
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
            let rows = WatchScreenTests.tableRows(screen.lines(tracker, at: T.at(20_000)))
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
}

extension StateCounts {
    init(_ connections: [Connection]) {
        self.init()
        for connection in connections { add(connection) }
    }
}
