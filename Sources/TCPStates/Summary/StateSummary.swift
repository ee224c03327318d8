/// Counts a listing per state instead of keeping it: per protocol, port
/// and address family when given a `PortLabeling`, else one cell per
/// protocol and family.
public struct StateSummary: ConnectionSink {
    /// One cell's key.
    public struct Group: Hashable, Sendable, Comparable {
        public let transport: TransportProtocol
        public let port: SummaryPort
        public let family: AddressFamily

        public static func < (a: Group, b: Group) -> Bool {
            if a.transport != b.transport { return a.transport == .tcp }
            return a.port != b.port ? a.port < b.port : a.family.rawValue < b.family.rawValue
        }
    }

    /// The TCP states the filter lets through: reported with their count, zeros too.
    public let states: StateSet
    /// The UDP states the filter lets through: UNCONN (CLOSED) and ESTABLISHED.
    public let udpStates: StateSet
    /// The protocols counted, TCP first.
    public let transports: [TransportProtocol]
    public let families: [AddressFamily]
    public let ports: PortLabeling?
    /// Where the sockets were read, once the listing began.
    public private(set) var source: SourceKind?
    public private(set) var groups: [Group: StateCounts] = [:]

    public init(filter: ConnectionFilter, ports: PortLabeling?) {
        states = filter.states
        udpStates = StateSet(Self.udpStateOrder.filter { filter.udpStates?.contains($0) ?? true })
        transports = TransportProtocol.allCases.filter(filter.transports.contains)
        families = filter.familiesToDump
        self.ports = ports
    }

    /// The states a UDP socket is reported in, as ss orders them.
    static let udpStateOrder: [TCPState] = [.closed, .established]

    public mutating func begin(source: SourceKind) throws { self.source = source }

    public mutating func add(_ connection: Connection) throws {
        let port = ports?.port(of: connection) ?? .other
        groups[Group(transport: connection.transport, port: port, family: connection.family), default: StateCounts()]
            .add(connection)
    }

    /// Every socket counted, whatever its protocol, port or family.
    public var total: StateCounts {
        groups.values.reduce(into: StateCounts()) { $0.add($1) }
    }

    /// The sockets of one protocol, whatever their port or family.
    public func total(of transport: TransportProtocol) -> StateCounts {
        groups.filter { $0.key.transport == transport }.values.reduce(into: StateCounts()) { $0.add($1) }
    }

    /// Name and count of each state of `transport` the filter lets through,
    /// in diagram order, zeros included, then the unknown states met: the
    /// rows add up to `counts.total`.
    public func rows(_ counts: StateCounts, of transport: TransportProtocol) -> [(name: String, count: Int)] {
        switch transport {
        case .tcp: counts.rows(states: states)
        case .udp: counts.rows(Self.udpStateOrder.filter(udpStates.contains), naming: TransportProtocol.udp.name(of:))
        }
    }

    /// Counts of one protocol per port, families merged, in port order with
    /// `other` last; the reported ports are there even when empty.
    public func byPort(of transport: TransportProtocol) -> [(port: SummaryPort, counts: StateCounts)] {
        var merged: [SummaryPort: StateCounts] = [:]
        for port in ports?.reportedPorts(of: transport) ?? [.other] { merged[port] = StateCounts() }
        for (group, counts) in groups where group.transport == transport {
            merged[group.port, default: StateCounts()].add(counts)
        }
        return merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Every cell worth reporting: each reported or seen port in each
    /// protocol and family of the filter, in order.
    public var cells: [(group: Group, counts: StateCounts)] {
        var keys = Set(groups.keys)
        for transport in transports {
            for port in ports?.reportedPorts(of: transport) ?? [.other] {
                for family in families { keys.insert(Group(transport: transport, port: port, family: family)) }
            }
        }
        return keys.sorted().map { ($0, groups[$0] ?? StateCounts()) }
    }
}
