/// One arrow of the TCP state diagram: the event that moves a socket from
/// one state to another (`rcv` a segment, `snd` a segment, a call, a timer).
public struct DiagramArrow: Hashable, Sendable {
    public let from: TCPState
    public let to: TCPState
    public let event: String

    public init(_ from: TCPState, _ to: TCPState, _ event: String) {
        self.from = from
        self.to = to
        self.event = event
    }

    /// Every arrow of the diagram, and the ones Linux adds (timeouts, RST).
    public static let all: [DiagramArrow] = [
        .init(.closed, .listen, "passive open: listen()"),
        .init(.closed, .synSent, "active open: connect(), snd SYN"),
        .init(.listen, .synReceived, "rcv SYN, snd SYN+ACK"),
        .init(.listen, .closed, "close()"),
        .init(.synSent, .synReceived, "rcv SYN, snd SYN+ACK (simultaneous open)"),
        .init(.synSent, .established, "rcv SYN+ACK, snd ACK"),
        .init(.synSent, .closed, "rcv RST (refused), close(), or no answer after tcp_syn_retries"),
        .init(.synReceived, .established, "rcv ACK of SYN"),
        .init(.synReceived, .closed, "rcv RST, or no ACK after tcp_synack_retries"),
        .init(.established, .finWait1, "close(), snd FIN (active close)"),
        .init(.established, .closeWait, "rcv FIN, snd ACK (passive close)"),
        .init(.finWait1, .finWait2, "rcv ACK of FIN"),
        .init(.finWait1, .closing, "rcv FIN, snd ACK (simultaneous close)"),
        .init(.finWait1, .timeWait, "rcv FIN+ACK of FIN, snd ACK"),
        .init(.finWait2, .timeWait, "rcv FIN, snd ACK"),
        .init(.finWait2, .closed, "orphaned: no FIN within tcp_fin_timeout"),
        .init(.closeWait, .lastAck, "close(), snd FIN"),
        .init(.closing, .timeWait, "rcv ACK of FIN"),
        .init(.lastAck, .closed, "rcv ACK of FIN"),
        .init(.timeWait, .closed, "2MSL timeout (60 s on Linux)"),
    ]

    /// The arrows into `state`.
    public static func into(_ state: TCPState) -> [DiagramArrow] { all.filter { $0.to == state } }
    /// The arrows out of `state`.
    public static func out(of state: TCPState) -> [DiagramArrow] { all.filter { $0.from == state } }
}
