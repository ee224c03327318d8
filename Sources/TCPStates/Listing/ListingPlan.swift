/// How a listing is carried out, worked out from a `ListingRequest` without
/// any I/O: the filter the lister applies, what to ask the kernel for,
/// whether owners are looked up, the order, and what writes the output.
/// `Listing` runs it.
public struct ListingPlan: Sendable {
    /// What writes the output.
    public enum Renderer: Equatable, Sendable {
        /// The standard TCP table, streamed: no column depends on the rest.
        case streamingTable
        /// A table of chosen columns, measured whole.
        case columnTable([ListingColumn])
        /// One JSON document, streamed, with these members besides the standard ones.
        case json(JSONMembers)
        /// Counts per state (per listener port with `byPort`).
        case summary(SummaryFormat, byPort: Bool)
    }

    /// The filter the lister applies: the request's, with its protocols and UDP states.
    public let filter: ConnectionFilter
    /// The owners a socket must have; empty lets every socket through.
    public let ownerFilter: OwnerFilter
    /// Whether /proc is scanned for the processes holding the sockets.
    public let looksUpOwners: Bool
    /// What TCP dumps ask the kernel to add to each socket.
    public let extensions: InetDiagExtensions
    public let renderer: Renderer
    /// The row order; nil keeps the kernel's (a summary has its own).
    public let order: ConnectionOrder?
    /// The network namespace to enter first, if any.
    public let namespace: String?
    /// The namespaces read at once, each row naming its own; nil for one.
    public let namespaces: NamespaceSelection?
    public let showsHeader: Bool
    /// Whether `--info` was asked for: /proc has no tcp_info to show.
    private let showsInfo: Bool

    public init(_ request: ListingRequest) {
        filter = Self.filter(request)
        ownerFilter = request.owners
        namespace = request.namespace
        namespaces = request.namespaces
        showsHeader = request.showsHeader
        showsInfo = request.showsInfo
        let showsOwners = request.showsOwners || !request.owners.isEmpty
        switch request.output {
        case .summary(let format, let byPort):
            // Counts need no owner column, only the owners that filter.
            looksUpOwners = !request.owners.isEmpty
            extensions = []
            order = nil
            renderer = .summary(format, byPort: byPort || format == .prometheus)
        case .json:
            looksUpOwners = showsOwners
            extensions = request.showsInfo ? [.info, .congestion] : []
            order = request.order
            var members: JSONMembers = []
            if showsOwners { members.insert(.process) }
            if request.showsTimers { members.insert(.timer) }
            if request.showsInfo { members.insert(.tcpInfo) }
            if request.namespaces != nil { members.insert(.netns) }
            renderer = .json(members)
        case .table:
            looksUpOwners = showsOwners
            extensions = request.showsInfo ? [.info, .congestion] : []
            order = request.order
            let extended = request.transports.contains(.udp) || showsOwners || request.showsTimers || request.showsInfo
                || request.namespaces != nil
            if extended {
                var columns = (request.transports.count > 1 ? [ListingColumn.transport] : []) + ListingColumn.standard
                if request.namespaces != nil { columns.append(.netns) }
                if request.showsTimers { columns.append(.timer) }
                if showsOwners { columns.append(.process) }
                if request.showsInfo { columns.append(.info) }
                renderer = .columnTable(columns)
            } else {
                renderer = .streamingTable
            }
        }
    }

    /// The request's filter with its protocols and, when states were chosen,
    /// the states UDP sockets must be in: those named, and UNCONN (CLOSED)
    /// for `--listening`, as ss reads `-l` for UDP.
    private static func filter(_ request: ListingRequest) -> ConnectionFilter {
        var filter = request.filter
        filter.transports = request.transports
        if request.namesStates || request.listening {
            var states = request.namesStates ? filter.states : StateSet([])
            if request.listening { states.insert(.closed) }
            filter.udpStates = states
        }
        return filter
    }

    /// What to say, once, about what `source` cannot fill.
    public func notice(readingFrom source: SourceKind) -> String? {
        guard source == .proc, showsInfo, extensions.contains(.info) else { return nil }
        return "/proc/net/tcp has no tcp_info: --info shows nothing (timers, uid and inode are there)"
    }
}
