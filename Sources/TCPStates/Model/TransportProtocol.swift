/// The transport protocol of a socket: what tcpstates lists besides TCP.
public enum TransportProtocol: String, CaseIterable, Sendable, Hashable {
    case tcp
    case udp

    /// The IP protocol number sock_diag is asked for (IPPROTO_TCP, IPPROTO_UDP).
    public var ipProtocol: UInt8 { self == .tcp ? 6 : 17 }

    /// A state's name for a socket of this protocol: the diagram name, but
    /// for UDP's unconnected sockets (kernel TCP_CLOSE) `UNCONN`, as ss prints it.
    public func name(of state: TCPState) -> String {
        self == .udp && state == .closed ? "UNCONN" : state.name
    }
}

extension Connection {
    /// The state as printed: the diagram name, `UNKNOWN(n)`, or for UDP,
    /// which has no states of its own, `UNCONN` (kernel TCP_CLOSE) and
    /// `ESTABLISHED` (connected) as ss prints them.
    public var stateText: String {
        TCPStates.stateText(self).string
    }
}
