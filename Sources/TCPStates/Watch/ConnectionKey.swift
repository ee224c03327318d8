/// What identifies one socket across refreshes: the kernel's socket cookie
/// when the source gives one (sock_diag), else the protocol and both
/// endpoints (/proc); either within its network namespace (`netnsInode`,
/// 0 when one namespace is watched). A cookie is unique per boot, and the
/// TIME_WAIT socket that replaces a full one keeps its cookie; a new socket
/// on a reused 4-tuple gets a new one. Endpoints alone cannot tell such a
/// new socket from the old one, nor a socket from one on the same 4-tuple
/// in another namespace (every namespace has its own 127.0.0.1).
public enum ConnectionKey: Hashable, Sendable {
    case cookie(UInt64, netns: UInt64)
    case endpoints(TransportProtocol, local: Endpoint, remote: Endpoint, netns: UInt64)

    public init(_ connection: Connection) {
        self = connection.cookie != 0
            ? .cookie(connection.cookie, netns: connection.netnsInode)
            : connection.endpointKey
    }
}

extension Connection {
    /// The identity of this socket across refreshes.
    public var key: ConnectionKey { ConnectionKey(self) }

    /// Its endpoints as an identity, whatever the source: what a request
    /// socket and the full socket that replaces it (a new cookie) share.
    var endpointKey: ConnectionKey { .endpoints(transport, local: local, remote: remote, netns: netnsInode) }

    /// Whether two reports of a socket name the same diagram state: kernel
    /// numbers 3 and 12 are both SYN_RCVD, so a request socket becoming a
    /// full one is no change.
    func hasSameState(as other: Connection) -> Bool {
        if let state, let otherState = other.state { return state == otherState }
        return kernelState == other.kernelState
    }

    /// Whether one socket can go from `earlier`'s state to this one's in
    /// the diagram, through any number of steps that do not pass CLOSED
    /// (which frees it). TIME_WAIT goes nowhere but CLOSED, so a TIME_WAIT
    /// tuple seen again in SYN_SENT is a new socket. UDP and states this
    /// build does not know are taken on trust.
    func canFollow(_ earlier: Connection) -> Bool {
        guard transport == .tcp, let from = earlier.state, let to = state else { return true }
        return from == to || DiagramArrow.reachable(from: from).contains(to)
    }
}

extension DiagramArrow {
    /// The states one socket can reach from `state` without being freed.
    static func reachable(from state: TCPState) -> Set<TCPState> {
        reachableByState[state] ?? []
    }

    private static let reachableByState: [TCPState: Set<TCPState>] = {
        var table: [TCPState: Set<TCPState>] = [:]
        for start in TCPState.allCases {
            var seen: Set<TCPState> = []
            var frontier = [start]
            while let state = frontier.popLast() {
                for arrow in all where arrow.from == state && arrow.to != .closed && !seen.contains(arrow.to) {
                    seen.insert(arrow.to)
                    frontier.append(arrow.to)
                }
            }
            table[start] = seen
        }
        return table
    }()
}
