#if canImport(Glibc)
import Glibc
#endif

/// Carries out a `ListingPlan`: the one place a listing does I/O. It enters
/// the namespace, scans /proc for owners when the plan wants them, reads
/// the sockets and hands them to the plan's renderer.
public struct Listing {
    public let plan: ListingPlan
    /// Where sockets are read from (netlink falls back to /proc with `.auto`).
    public var source: SourceKind = .auto
    /// The directory holding `tcp`, `tcp6`, `udp` and `udp6`.
    public var procNetDirectory = "/proc/net"
    /// Receives every raw netlink reply buffer, to capture test fixtures.
    public var netlinkCapture: ((UnsafeRawBufferPointer) -> Void)?
    /// Opens the sock_diag socket (captured replies in tests).
    public var openSocket: () throws(SourceError) -> any SockDiagDumper = { () throws(SourceError) in try NetlinkSocket() }
    /// Told, one line each, what the user should know: a fallback, skipped
    /// lines, owners that could not be seen, what the source cannot fill.
    public var notice: (String) -> Void = { _ in }

    public init(_ plan: ListingPlan) { self.plan = plan }

    /// Lists into the plan's renderer, which writes to `writer`; returns the source used.
    @discardableResult
    public func run(to writer: ByteWriter) throws -> SourceKind {
        if let selection = plan.namespaces { return try run(across: selection, to: writer) }
        var (lister, owners) = try prepare()
        if case .summary(let format, let byPort) = plan.renderer {
            var labeling: PortLabeling?
            if byPort {
                var collector = ConnectionCollector()
                let settled = try self.lister(Self.listenerFilter(plan.filter), kind: source).list(into: &collector)
                labeling = Self.labeling(listeners: collector.connections, filter: plan.filter)
                // After a fallback, the counting reads /proc straight away, without a second notice.
                lister.kind = settled
            }
            let summary = StateSummary(filter: plan.filter, ports: labeling)
            let used = try list(from: lister, into: SummaryRenderer(summary, format: format, byPort: byPort,
                                                                  showsHeader: plan.showsHeader, writer: writer))
            try writer.flush()
            return used
        }
        return try render(from: lister, owners: owners, namespaces: [:], to: writer)
    }

    /// Several namespaces at once: each read on a worker thread with a socket
    /// opened inside it, the rows merged in namespace order and rendered as
    /// one listing, each naming its namespace; a summary counts per namespace.
    private func run(across selection: NamespaceSelection, to writer: ByteWriter) throws -> SourceKind {
        let namespaces = try selection.resolve()
        var reader = NamespaceLister(filter: plan.filter, kind: source)
        reader.extensions = plan.extensions
        reader.skipsDenied = selection.skipsDenied
        if case .summary(_, true) = plan.renderer { reader.listenerFilter = Self.listenerFilter(plan.filter) }
        var results = try reader.list(namespaces)
        for namespace in results.namespaces {
            for line in namespace.notices { notice("\(namespace.namespace.identity.label): \(line)") }
        }
        if results.deniedCount > 0 {
            notice("could not enter \(results.deniedCount) of \(namespaces.count) network namespaces (that needs CAP_SYS_ADMIN): listing the rest")
        }
        // Socket inodes are machine-wide: one scan finds the owners in every namespace.
        let owners = plan.looksUpOwners ? try scanOwners(inNamespace: nil) : nil
        if let owners, !plan.ownerFilter.isEmpty {
            for index in results.namespaces.indices {
                results.namespaces[index].connections.removeAll { !plan.ownerFilter.matches(owners.owners(of: $0.inode)) }
            }
        }
        if case .summary(let format, let byPort) = plan.renderer {
            var summaries: [(namespace: NetnsIdentity, summary: StateSummary)] = []
            for namespace in results.namespaces {
                // A listener names a port in its own namespace only.
                let labeling = byPort ? Self.labeling(listeners: namespace.listeners, filter: plan.filter) : nil
                var summary = StateSummary(filter: plan.filter, ports: labeling)
                try summary.begin(source: namespace.source)
                for connection in namespace.connections { try summary.add(connection) }
                summaries.append((namespace.namespace.identity, summary))
            }
            try SummaryRenderer.render(summaries, format: format, byPort: byPort, showsHeader: plan.showsHeader, to: writer)
            try writer.flush()
            return results.namespaces.first?.source ?? .netlink
        }
        return try render(from: results, owners: owners, namespaces: results.identities, to: writer)
    }

    /// Renders what `source` lists with the plan's renderer (a listing, not a summary).
    private func render(from source: some ConnectionSource, owners: OwnerTable?,
                        namespaces: [UInt64: NetnsIdentity], to writer: ByteWriter) throws -> SourceKind {
        let used: SourceKind
        switch plan.renderer {
        case .streamingTable:
            used = try list(from: source, into: TableRenderer(writer: writer, showsHeader: plan.showsHeader,
                                                              families: plan.filter.families))
        case .columnTable(let columns):
            // Its columns are as wide as their widest value: the table is measured whole.
            let table = ColumnTable(columns: columns.map { $0.tableColumn(owners: owners, namespaces: namespaces) },
                                    showsHeader: plan.showsHeader)
            var held = HeldListing(order: plan.order) { _, connections in try table.render(connections, to: writer) }
            used = try list(from: source, into: &held)
        case .json(let members):
            var renderer = JSONRenderer(writer: writer)
            renderer.extraMembers = members.writer(owners: owners, namespaces: namespaces)
            used = try list(from: source, into: renderer)
        case .summary:
            preconditionFailure("summaries are counted before rendering")
        }
        try writer.flush()
        return used
    }

    /// The sockets the plan matches, in the kernel's order, and their owners
    /// when the plan looks them up: for a command that acts on what a
    /// listing would list (`kill`). It stays in the plan's namespace.
    public func collect() throws -> (connections: [Connection], owners: OwnerTable?) {
        guard plan.namespaces == nil else {
            throw SourceError("acting on sockets works in one network namespace at a time, not across several")
        }
        let (lister, owners) = try prepare()
        var collector = ConnectionCollector()
        let used = try lister.list(into: &collector)
        if let notice = plan.notice(readingFrom: used) { self.notice(notice) }
        return (collector.connections, owners)
    }

    /// Enters the plan's namespace, scans the owners it wants and sets up the
    /// lister with the plan's filters and extensions.
    private func prepare() throws -> (lister: ConnectionLister, owners: OwnerTable?) {
        // First: the netlink socket, /proc/net and the owner scan all follow it.
        if let namespace = plan.namespace { try NetworkNamespace.enter(namespace) }
        let owners = plan.looksUpOwners ? try scanOwners(inNamespace: ProcessScanner.currentNetworkNamespace()) : nil
        var lister = lister(plan.filter, kind: source)
        lister.netlinkCapture = netlinkCapture
        lister.extensions = plan.extensions
        if let owners, !plan.ownerFilter.isEmpty {
            let ownerFilter = plan.ownerFilter
            lister.accepts = { ownerFilter.matches(owners.owners(of: $0.inode)) }
        }
        return (lister, owners)
    }

    /// The single render path: the source streams into the renderer, through
    /// a sort when the plan orders the rows. The sort is stable: rows of
    /// several namespaces that tie keep the namespaces' order.
    private func list(from source: some ConnectionSource, into renderer: some ListingRenderer) throws -> SourceKind {
        if let order = plan.order {
            var held = HeldListing(order: order, into: renderer)
            return try list(from: source, into: &held)
        }
        var renderer = renderer
        return try list(from: source, into: &renderer)
    }

    private func list(from source: some ConnectionSource, into renderer: inout some ListingRenderer) throws -> SourceKind {
        let used = try source.list(into: &renderer)
        if let notice = plan.notice(readingFrom: used) { self.notice(notice) }
        try renderer.finish()
        return used
    }

    /// The processes holding sockets in the namespace with inode `namespace`
    /// (this one, perhaps just entered), or in every namespace when nil.
    private func scanOwners(inNamespace namespace: UInt64?) throws -> OwnerTable {
        var scanner = ProcessScanner()
        scanner.networkNamespace = namespace
        let table = try scanner.scan()
        // Root may still be refused a few (a container's init): not worth a line.
        if table.deniedProcesses > 0, geteuid() != 0 {
            notice("sockets of \(table.deniedProcesses) processes of other users show no owner: that needs root")
        }
        return table
    }

    /// What finds the listeners of the protocols `filter` lists, whatever
    /// its other conditions: the sockets on their ports are counted under
    /// them even when the listeners are filtered out.
    static func listenerFilter(_ filter: ConnectionFilter) -> ConnectionFilter {
        var listeners = ConnectionFilter()
        listeners.states = StateSet([.listen])
        listeners.includesUnknownStates = false
        listeners.transports = filter.transports
        // UDP has no listeners: a port is served by a socket bound to it and connected to no one.
        listeners.udpStates = StateSet([.closed])
        return listeners
    }

    /// The port labels of what `listenerFilter` found, per protocol.
    static func labeling(listeners: [Connection], filter: ConnectionFilter) -> PortLabeling {
        var ports: [TransportProtocol: Set<UInt16>] = [:]
        for listener in listeners { ports[listener.transport, default: []].insert(listener.local.port) }
        return PortLabeling(listenerPorts: ports[.tcp] ?? [], udpListenerPorts: ports[.udp] ?? [], filter: filter)
    }

    private func lister(_ filter: ConnectionFilter, kind: SourceKind) -> ConnectionLister {
        var lister = ConnectionLister(filter: filter, kind: kind)
        lister.procNetDirectory = procNetDirectory
        lister.openSocket = openSocket
        lister.notice = notice
        return lister
    }
}
