/// Counts a listing per state instead of keeping it: per port and address
/// family when given a `PortLabeling`, else one cell per family.
public struct StateSummary: ConnectionSink {
    /// One cell's key.
    public struct Group: Hashable, Sendable, Comparable {
        public let port: SummaryPort
        public let family: AddressFamily

        public static func < (a: Group, b: Group) -> Bool {
            a.port != b.port ? a.port < b.port : a.family.rawValue < b.family.rawValue
        }
    }

    /// The states the filter lets through: reported with their count, zeros too.
    public let states: StateSet
    public let families: [AddressFamily]
    public let ports: PortLabeling?
    /// Where the sockets were read, once the listing began.
    public private(set) var source: SourceKind?
    public private(set) var groups: [Group: StateCounts] = [:]

    public init(filter: ConnectionFilter, ports: PortLabeling?) {
        states = filter.states
        families = filter.familiesToDump
        self.ports = ports
    }

    public mutating func begin(source: SourceKind) throws { self.source = source }

    public mutating func add(_ connection: Connection) throws {
        let port = ports?.port(of: connection) ?? .other
        groups[Group(port: port, family: connection.family), default: StateCounts()].add(connection)
    }

    /// Every socket counted, whatever its port or family.
    public var total: StateCounts {
        groups.values.reduce(into: StateCounts()) { $0.add($1) }
    }

    /// Counts per port, families merged, in port order with `other` last;
    /// the reported ports are there even when empty.
    public var byPort: [(port: SummaryPort, counts: StateCounts)] {
        var merged: [SummaryPort: StateCounts] = [:]
        for port in ports?.reportedPorts ?? [.other] { merged[port] = StateCounts() }
        for (group, counts) in groups { merged[group.port, default: StateCounts()].add(counts) }
        return merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Every cell worth reporting: each reported or seen port in each family
    /// of the filter, in order.
    public var cells: [(group: Group, counts: StateCounts)] {
        var keys = Set(groups.keys)
        for port in ports?.reportedPorts ?? [.other] {
            for family in families { keys.insert(Group(port: port, family: family)) }
        }
        return keys.sorted().map { ($0, groups[$0] ?? StateCounts()) }
    }
}
