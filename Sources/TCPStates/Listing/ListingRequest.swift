/// What a listing was asked for, in the library's terms: the executable
/// fills it from the command line, `ListingPlan` works out the rest.
public struct ListingRequest: Sendable {
    /// The ports, states, addresses and families to list.
    public var filter = ConnectionFilter()
    /// Whether states were named with `--state` (UDP reads them too).
    public var namesStates = false
    /// `--listening`: for UDP, which has no listeners, the UNCONN sockets, as in ss.
    public var listening = false
    /// The protocols to list.
    public var transports: Set<TransportProtocol> = [.tcp]
    /// Whether the owners of each socket are shown (`--processes`).
    public var showsOwners = false
    /// Which owners a socket must have (`--pid`, `--command`).
    public var owners = OwnerFilter()
    /// `--timers`: the armed timer of each socket.
    public var showsTimers = false
    /// `--info`: tcp_info and the congestion control of each socket.
    public var showsInfo = false
    /// The network namespace to list (a name under /run/netns or a path).
    public var namespace: String?
    /// Several namespaces at once (`--all-netns`, `--netns a,b`): each row
    /// names its own. Nil for one namespace.
    public var namespaces: NamespaceSelection?
    /// The row order; nil keeps the kernel's.
    public var order: ConnectionOrder?
    /// A listing or a summary, and in which format.
    public var output: ListingOutput = .table
    /// Whether the table (or summary table) has its header line.
    public var showsHeader = true

    public init() {}
}
