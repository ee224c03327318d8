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
        typealias K = KernelTCPState
        switch number {
        case K.established: self = .established
        case K.synSent: self = .synSent
        case K.synReceived, K.newSynReceived: self = .synReceived
        case K.finWait1: self = .finWait1
        case K.finWait2: self = .finWait2
        case K.timeWait: self = .timeWait
        case K.close, K.boundInactive: self = .closed
        case K.closeWait: self = .closeWait
        case K.lastAck: self = .lastAck
        case K.listen: self = .listen
        case K.closing: self = .closing
        default: return nil
        }
    }

    /// The kernel state numbers that are reported as this state.
    public var kernelNumbers: [UInt8] {
        typealias K = KernelTCPState
        return switch self {
        case .established: [K.established]
        case .synSent: [K.synSent]
        case .synReceived: [K.synReceived, K.newSynReceived]
        case .finWait1: [K.finWait1]
        case .finWait2: [K.finWait2]
        case .timeWait: [K.timeWait]
        case .closed: [K.close, K.boundInactive]
        case .closeWait: [K.closeWait]
        case .lastAck: [K.lastAck]
        case .listen: [K.listen]
        case .closing: [K.closing]
        }
    }

    public static func < (lhs: TCPState, rhs: TCPState) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The name printed for a kernel state number: the diagram name, or
/// `UNKNOWN(n)` for a number this build does not know.
public func stateName(kernel number: UInt8) -> String {
    TCPState(kernel: number)?.name ?? "UNKNOWN(\(number))"
}
