/// A moment as the watch sees it: wall-clock time for timestamps, monotonic
/// time for durations (so that a clock step cannot make an age negative).
public struct WatchInstant: Sendable, Equatable {
    /// Milliseconds since 1970-01-01 UTC.
    public var wallMilliseconds: Int64
    /// Milliseconds of a monotonic clock.
    public var monotonicMilliseconds: Int64

    public init(wallMilliseconds: Int64, monotonicMilliseconds: Int64) {
        self.wallMilliseconds = wallMilliseconds
        self.monotonicMilliseconds = monotonicMilliseconds
    }
}

/// Something that happened to one socket, as the NDJSON stream reports it.
public struct WatchEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The socket was there when the watch started.
        case present
        /// The socket appeared.
        case open
        /// Its state changed.
        case change
        /// It went away.
        case close
    }

    public var kind: Kind
    public var time: WatchInstant
    /// The socket as last seen; for `close`, its endpoints and the state it was last seen in.
    public var connection: Connection
    /// For `change` and `close`: the state it left, nil when no poll saw it
    /// (a socket that opened and closed between two refreshes).
    public var previousKernelState: UInt8?
    /// For `change` and `close`: how long it was in the previous state, nil
    /// when it was already in that state when the watch started.
    public var previousStateMilliseconds: Int64?

    public init(kind: Kind, time: WatchInstant, connection: Connection,
                previousKernelState: UInt8? = nil, previousStateMilliseconds: Int64? = nil) {
        self.kind = kind
        self.time = time
        self.connection = connection
        self.previousKernelState = previousKernelState
        self.previousStateMilliseconds = previousStateMilliseconds
    }

    /// The state name the event reports, as the listing prints it (UDP's
    /// UNCONN included): CLOSED for `close`.
    public var stateName: String {
        kind == .close ? TCPState.closed.name : connection.stateText
    }

    /// The name of the state it left, printed the same way; nil when unknown.
    public var previousStateName: String? {
        previousKernelState.map { number in
            var previous = connection
            previous.kernelState = number
            return previous.stateText
        }
    }
}
