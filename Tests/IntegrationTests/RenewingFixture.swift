import Foundation

/// A suite's fixture of real sockets, started again when it has grown older
/// than its sockets can be trusted (TIME_WAIT expires at 60 s). A loaded
/// machine can take longer than that over a whole suite; it then gets a
/// fresh fixture instead of failures. Only for serialized suites: a fixture
/// is renewed when a test asks for it, never while another test uses it.
final class RenewingFixture<Fixture: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private let lifetime: Duration
    private let start: () throws -> Fixture
    private let stop: (Fixture) -> Void
    private var fixture: Fixture
    private var startedAt: ContinuousClock.Instant

    init(lifetime: Duration, start: @escaping () throws -> Fixture, stop: @escaping (Fixture) -> Void) throws {
        self.lifetime = lifetime
        self.start = start
        self.stop = stop
        fixture = try start()
        startedAt = .now
    }

    /// The fixture, started again first if it is older than `lifetime`.
    func fresh() throws -> Fixture {
        try lock.withLock {
            if startedAt.duration(to: .now) >= lifetime {
                stop(fixture)
                fixture = try start()
                startedAt = .now
            }
            return fixture
        }
    }

    /// Stops the fixture for good, at the end of the suite.
    func tearDown() { lock.withLock { stop(fixture) } }
}
