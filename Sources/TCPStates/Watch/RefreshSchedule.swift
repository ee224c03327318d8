/// When the watch polls: on a grid of `interval` from the start, or a whole
/// interval after a poll that overran its slot (no burst of catch-ups).
/// Pure: times are monotonic milliseconds handed in by the caller.
public struct RefreshSchedule: Sendable, Equatable {
    public let intervalMilliseconds: Int64
    /// When the next poll is due.
    public private(set) var nextMilliseconds: Int64

    /// The first poll is due at `start`.
    public init(intervalMilliseconds: Int64, start: Int64) {
        self.intervalMilliseconds = intervalMilliseconds
        nextMilliseconds = start
    }

    public func isDue(at now: Int64) -> Bool { now >= nextMilliseconds }

    /// A poll finished at `now`: the next one is the following grid point,
    /// or `interval` from now when the poll ran past it.
    public mutating func refreshed(at now: Int64) {
        let next = nextMilliseconds + intervalMilliseconds
        nextMilliseconds = next > now ? next : now + intervalMilliseconds
    }

    /// Milliseconds to wait in poll(2) before the next poll is due: 0 when past.
    public func timeout(at now: Int64) -> Int32 {
        Int32(clamping: max(0, nextMilliseconds - now))
    }
}
