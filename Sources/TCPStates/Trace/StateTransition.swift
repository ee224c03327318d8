/// One arrow of the state diagram as `tcpstates trace` reports it.
public struct StateTransition: Equatable, Sendable {
    /// Wall-clock time of the change, nanoseconds since the Unix epoch.
    public var time: UInt64
    public var local: Endpoint
    public var remote: Endpoint
    /// Kernel state numbers before and after.
    public var previousState: UInt8
    public var state: UInt8
    /// Nanoseconds the socket object spent in `previousState`, nil when the
    /// trace did not see it enter that state.
    public var stateNanoseconds: UInt64?
    /// The process the change ran in, nil for softirq context and kernel threads.
    public var task: TaskName?
    /// The kernel reported CLOSE and sock_diag found a TIME_WAIT socket with
    /// the same endpoints right after: `state` is TIME_WAIT, seen through sock_diag.
    public var stateSeenThroughSockDiag: Bool
    /// The network namespace of the socket, nil when it could not be known
    /// (the socket was gone, or its endpoints stood in several namespaces).
    public var netns: NetnsIdentity?

    public init(
        time: UInt64, local: Endpoint, remote: Endpoint, previousState: UInt8, state: UInt8,
        stateNanoseconds: UInt64?, task: TaskName?, stateSeenThroughSockDiag: Bool = false, netns: NetnsIdentity? = nil
    ) {
        self.time = time
        self.local = local
        self.remote = remote
        self.previousState = previousState
        self.state = state
        self.stateNanoseconds = stateNanoseconds
        self.task = task
        self.stateSeenThroughSockDiag = stateSeenThroughSockDiag
        self.netns = netns
    }

    public var family: AddressFamily { local.address.family }
}
