/// The timer armed on a TCP socket, as sock_diag's idiag_timer and
/// /proc/net/tcp's `tr` report it, with its time left.
public struct SocketTimer: Hashable, Sendable {
    /// The kernel's timer number: 1 retransmit (also loss probe and SYN-ACK
    /// resend), 2 keepalive, 3 TIME_WAIT, 4 zero-window probe (persist).
    public let kind: UInt8
    /// Time left, in milliseconds (0 when overdue); 32 bits as sock_diag sends it.
    public let expiresMs: UInt32
    /// Retransmissions so far (for keepalive: probes sent unanswered).
    public let retransmits: UInt8

    public init(kind: UInt8, expiresMs: UInt32, retransmits: UInt8) {
        self.kind = kind
        self.expiresMs = expiresMs
        self.retransmits = retransmits
    }

    /// From the kernel's fields: nil when no timer is armed (kind 0).
    init?(kernelKind kind: UInt8, expiresMs: UInt32, retransmits: UInt8) {
        guard kind != 0 else { return nil }
        self.init(kind: kind, expiresMs: expiresMs, retransmits: retransmits)
    }

    /// `retransmit`, `keepalive`, `time_wait`, `persist` (zero-window probe),
    /// or `unknown(n)`.
    public var name: String {
        switch kind {
        case 1: "retransmit"
        case 2: "keepalive"
        case 3: "time_wait"
        case 4: "persist"
        default: "unknown(\(kind))"
        }
    }
}
