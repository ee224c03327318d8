import Foundation
import Testing
@testable import TCPStates

/// One step at a time: the session polls when the schedule says so, and
/// only then, from captured /proc files (no destroy events: the /proc source has none).
@Suite struct WatchSessionTests {
    /// A /proc/net stand-in holding the captured tcp and tcp6 files.
    static func procDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tcpstates-session-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (fixture, name) in [("proc-net-tcp.txt", "tcp"), ("proc-net-tcp6.txt", "tcp6")] {
            try Data(try Fixture.bytes(fixture)).write(to: directory.appendingPathComponent(name))
        }
        return directory.path
    }

    final class FakeClock: @unchecked Sendable {
        var milliseconds: Int64 = 10_000
        var now: WatchInstant { WatchInstant(wallMilliseconds: 1_764_000_000_000 + milliseconds, monotonicMilliseconds: milliseconds) }
    }

    @Test func pollsWhenDueAndOnlyThen() throws {
        let directory = try Self.procDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = FakeClock()
        var notices: [String] = []
        let session = try WatchSession(filter: ConnectionFilter(), source: .proc, procNetDirectory: directory,
                                   intervalMilliseconds: 1000, clock: { clock.now }, notice: { notices.append($0) })
        #expect(session.destroyFileDescriptor == nil)
        #expect(session.timeout(at: clock.now) == 0, "the first poll is due at once")
        let first = try session.step(at: clock.now)
        #expect(first.refreshed)
        #expect(!first.events.isEmpty && first.events.allSatisfy { $0.kind == .present })
        #expect(notices.count == 1 && notices[0].contains("polling only"))
        clock.milliseconds += 400
        #expect(session.timeout(at: clock.now) == 600)
        let between = try session.step(at: clock.now)
        #expect(!between.refreshed && between.events.isEmpty)
        clock.milliseconds += 600
        let second = try session.step(at: clock.now)
        #expect(second.refreshed && second.events.isEmpty, "the same files: nothing changed")
        #expect(session.schedule.nextMilliseconds == 12_000)
        #expect(session.losses == WatchLossTally() && !session.isResynchronising)
        #expect(notices.count == 1, "a notice is said once")
    }
}
