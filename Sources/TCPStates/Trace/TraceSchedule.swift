/// When a trace loop wakes and when it ends: arithmetic on the trace clock
/// (nanoseconds since boot) that any accepted duration fits without overflow.
public struct TraceSchedule: Equatable, Sendable {
    /// The longest duration honoured, in seconds (over 300 years): its
    /// nanoseconds added to the boot clock stay far inside 64 bits.
    public static let longestSeconds: Double = 10_000_000_000
    /// With nothing due, the loop still wakes this often (to check the instance).
    static let longestWait: UInt64 = 1_000_000_000
    /// A step that read this many pages means a busy workload: pause before
    /// the next, letting events gather instead of waking for each few and
    /// leaving the CPU to the workload (the buffer holds far more).
    static let busyPages = 4
    static let busyPauseMicroseconds: UInt32 = 20_000
    /// After waking for new events, wait this long before reading them: the
    /// kernel reports a listen() or connect() before it hashes the socket,
    /// and a sock_diag lookup made at once would not find it yet.
    public static let settleMicroseconds: UInt32 = 2_000

    /// When the trace ends (trace clock), nil for never.
    public let end: UInt64?

    /// A trace from `start` (trace clock) for `seconds`, or without end;
    /// nil when `seconds` is not a duration it can honour.
    public init?(start: UInt64, seconds: Double?) {
        guard let seconds else {
            end = nil
            return
        }
        guard Self.accepts(seconds: seconds) else { return nil }
        end = start &+ UInt64(seconds * 1e9)
    }

    /// Whether `seconds` is a duration a trace can honour: positive, finite, at most `longestSeconds`.
    public static func accepts(seconds: Double) -> Bool {
        seconds > 0 && seconds <= longestSeconds
    }

    /// Whether the trace is over at `now`.
    public func isOver(now: UInt64) -> Bool {
        end.map { now >= $0 } ?? false
    }

    /// Milliseconds for poll(2) at `now`: until the earlier of `nextCheck`
    /// (the tracer's next due lookup), the end and `longestWait`; 0 when one is due.
    public func pollTimeout(now: UInt64, nextCheck: UInt64?) -> Int32 {
        var wake = now &+ Self.longestWait
        if let nextCheck { wake = min(wake, nextCheck) }
        if let end { wake = min(wake, end) }
        guard wake > now else { return 0 }
        return Int32(clamping: (wake - now + 999_999) / 1_000_000)
    }

    /// Microseconds to pause after a step that read `pages` pages, 0 for none.
    public func pause(afterPages pages: Int) -> UInt32 {
        pages >= Self.busyPages ? Self.busyPauseMicroseconds : 0
    }
}
