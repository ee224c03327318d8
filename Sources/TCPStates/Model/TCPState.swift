/// A state of the TCP state diagram (RFC 793), the names tcpstates prints.
///
/// The cases are declared in diagram order: the order tables and summaries use.
public enum TCPState: UInt8, CaseIterable, Sendable, Comparable {
    case listen
    case synSent
    case synReceived
    case established
    case finWait1
    case finWait2
    case closeWait
    case closing
    case lastAck
    case timeWait
    case closed

    /// The diagram name, as printed: `LISTEN`, `SYN_SENT`, ...
    public var name: String { staticName.description }

    /// `name` as a StaticString, for writers that copy bytes.
    public var staticName: StaticString {
        switch self {
        case .listen: "LISTEN"
        case .synSent: "SYN_SENT"
        case .synReceived: "SYN_RCVD"
        case .established: "ESTABLISHED"
        case .finWait1: "FIN_WAIT_1"
        case .finWait2: "FIN_WAIT_2"
        case .closeWait: "CLOSE_WAIT"
        case .closing: "CLOSING"
        case .lastAck: "LAST_ACK"
        case .timeWait: "TIME_WAIT"
        case .closed: "CLOSED"
        }
    }

    /// The diagram state of a kernel state number (include/net/tcp_states.h),
    /// or nil for a number this build does not know.
    ///
    /// TCP_NEW_SYN_RECV (12, a request socket) is SYN_RCVD; TCP_BOUND_INACTIVE
    /// (13) is CLOSED; a TIME_WAIT socket whose substate is FIN_WAIT2 arrives
    /// as 5 and is FIN_WAIT_2, as it is on the wire.
    public init?(kernel number: UInt8) {
        switch number {
        case 1: self = .established
        case 2: self = .synSent
        case 3, 12: self = .synReceived
        case 4: self = .finWait1
        case 5: self = .finWait2
        case 6: self = .timeWait
        case 7, 13: self = .closed
        case 8: self = .closeWait
        case 9: self = .lastAck
        case 10: self = .listen
        case 11: self = .closing
        default: return nil
        }
    }

    /// The kernel state numbers that are reported as this state.
    public var kernelNumbers: [UInt8] {
        switch self {
        case .established: [1]
        case .synSent: [2]
        case .synReceived: [3, 12]
        case .finWait1: [4]
        case .finWait2: [5]
        case .timeWait: [6]
        case .closed: [7, 13]
        case .closeWait: [8]
        case .lastAck: [9]
        case .listen: [10]
        case .closing: [11]
        }
    }

    public static func < (lhs: TCPState, rhs: TCPState) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The name printed for a kernel state number: the diagram name, or
/// `UNKNOWN(n)` for a number this build does not know.
public func stateName(kernel number: UInt8) -> String {
    TCPState(kernel: number)?.name ?? "UNKNOWN(\(number))"
}
