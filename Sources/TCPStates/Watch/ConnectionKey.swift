/// What identifies one socket across refreshes: its family and both
/// endpoints. ESTABLISHED, FIN_WAIT_2 and TIME_WAIT of one connection share
/// a key, although the kernel holds the TIME_WAIT one as a different object.
public struct ConnectionKey: Hashable, Sendable {
    public let family: AddressFamily
    public let local: Endpoint
    public let remote: Endpoint

    public init(_ connection: Connection) {
        family = connection.family
        local = connection.local
        remote = connection.remote
    }
}

extension Connection {
    /// The identity of this socket across refreshes.
    public var key: ConnectionKey { ConnectionKey(self) }

    /// Whether two reports of a socket name the same diagram state: kernel
    /// numbers 3 and 12 are both SYN_RCVD, so a request socket becoming a
    /// full one is no change.
    func hasSameState(as other: Connection) -> Bool {
        if let state, let otherState = other.state { return state == otherState }
        return kernelState == other.kernelState
    }
}
