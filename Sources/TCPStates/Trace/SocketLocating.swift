/// A socket found by its endpoints: the network namespace it stands in and its kernel state there.
public struct SocketSighting: Equatable, Sendable {
    public var netns: UInt64
    public var state: UInt8

    public init(netns: UInt64, state: UInt8) {
        self.netns = netns
        self.state = state
    }
}

/// Finds sockets by their endpoints in the machine's network namespaces, for
/// the tracer: the tracepoint fires for every namespace and names none.
public protocol SocketLocating: AnyObject {
    /// When the machine has one namespace only, its inode: every socket is in it.
    var onlyNamespace: UInt64? { get }
    /// How many namespaces a `locate` without `netns` asks (one lookup each).
    var namespaceCount: Int { get }
    /// The identity of the namespace with this inode, when it is known.
    func identity(of netns: UInt64) -> NetnsIdentity?
    /// Every namespace where a socket with exactly these endpoints stands now
    /// (TIME_WAIT included), with its state; only `netns` when it is given.
    func locate(local: Endpoint, remote: Endpoint, in netns: UInt64?) -> [SocketSighting]
    /// The inode of the network namespace the task with kernel pid `pid`
    /// stands in now, nil when it cannot be told (the task is gone, or this
    /// process does not see the kernel's pids).
    func namespace(ofTask pid: Int32) -> UInt64?
    /// Picks up namespaces that appeared and forgets those that went, when a
    /// refresh is due at `now` (trace clock).
    func refresh(now: UInt64)
}
