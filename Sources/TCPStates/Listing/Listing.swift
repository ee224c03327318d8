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
        let prepared = try prepare()
        var lister = prepared.lister
        let owners = prepared.owners
        let used: SourceKind
        switch plan.renderer {
        case .streamingTable:
            used = try list(with: lister, into: TableRenderer(writer: writer, showsHeader: plan.showsHeader,
                                                              families: plan.filter.families))
        case .columnTable(let columns):
            // Its columns are as wide as their widest value: the table is measured whole.
            let table = ColumnTable(columns: columns.map { $0.tableColumn(owners: owners) }, showsHeader: plan.showsHeader)
            var held = HeldListing(order: plan.order) { _, connections in try table.render(connections, to: writer) }
            used = try list(with: lister, into: &held)
        case .json(let members):
            var renderer = JSONRenderer(writer: writer)
            renderer.extraMembers = members.writer(owners: owners)
            used = try list(with: lister, into: renderer)
        case .summary(let format, let byPort):
            var labeling: PortLabeling?
            if byPort {
                let (listeners, settled) = try listeners()
                labeling = PortLabeling(listenerPorts: listeners[.tcp] ?? [], udpListenerPorts: listeners[.udp] ?? [],
                                        filter: plan.filter)
                // After a fallback, the counting reads /proc straight away, without a second notice.
                lister.kind = settled
            }
            let summary = StateSummary(filter: plan.filter, ports: labeling)
            used = try list(with: lister, into: SummaryRenderer(summary, format: format, byPort: byPort,
                                                                showsHeader: plan.showsHeader, writer: writer))
        }
        try writer.flush()
        return used
    }

    /// The sockets the plan matches, in the kernel's order, and their owners
    /// when the plan looks them up: for a command that acts on what a
    /// listing would list (`kill`). It stays in the plan's namespace.
    public func collect() throws -> (connections: [Connection], owners: OwnerTable?) {
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
        let owners = plan.looksUpOwners ? try scanOwners() : nil
        var lister = lister(plan.filter, kind: source)
        lister.netlinkCapture = netlinkCapture
        lister.extensions = plan.extensions
        if let owners, !plan.ownerFilter.isEmpty {
            let ownerFilter = plan.ownerFilter
            lister.accepts = { ownerFilter.matches(owners.owners(of: $0.inode)) }
        }
        return (lister, owners)
    }

    /// The single render path: the lister streams into the renderer, through
    /// a sort when the plan orders the rows.
    private func list(with lister: ConnectionLister, into renderer: some ListingRenderer) throws -> SourceKind {
        if let order = plan.order {
            var held = HeldListing(order: order, into: renderer)
            return try list(with: lister, into: &held)
        }
        var renderer = renderer
        return try list(with: lister, into: &renderer)
    }

    private func list(with lister: ConnectionLister, into renderer: inout some ListingRenderer) throws -> SourceKind {
        let used = try lister.list(into: &renderer)
        if let notice = plan.notice(readingFrom: used) { self.notice(notice) }
        try renderer.finish()
        return used
    }

    /// The processes holding sockets in this (perhaps just entered) namespace.
    private func scanOwners() throws -> OwnerTable {
        var scanner = ProcessScanner()
        scanner.networkNamespace = ProcessScanner.currentNetworkNamespace()
        let table = try scanner.scan()
        // Root may still be refused a few (a container's init): not worth a line.
        if table.deniedProcesses > 0, geteuid() != 0 {
            notice("sockets of \(table.deniedProcesses) processes of other users show no owner: that needs root")
        }
        return table
    }

    /// The local ports of every listener of the protocols listed, whatever
    /// the other filters: the sockets on them are counted under them even
    /// when the listeners are filtered out. Returns the source that answered.
    private func listeners() throws -> ([TransportProtocol: Set<UInt16>], SourceKind) {
        var listeners = ConnectionFilter()
        listeners.states = StateSet([.listen])
        listeners.includesUnknownStates = false
        listeners.transports = plan.filter.transports
        // UDP has no listeners: a port is served by a socket bound to it and connected to no one.
        listeners.udpStates = StateSet([.closed])
        var collector = ConnectionCollector()
        let used = try lister(listeners, kind: source).list(into: &collector)
        var ports: [TransportProtocol: Set<UInt16>] = [:]
        for listener in collector.connections { ports[listener.transport, default: []].insert(listener.local.port) }
        return (ports, used)
    }

    private func lister(_ filter: ConnectionFilter, kind: SourceKind) -> ConnectionLister {
        var lister = ConnectionLister(filter: filter, kind: kind)
        lister.procNetDirectory = procNetDirectory
        lister.openSocket = openSocket
        lister.notice = notice
        return lister
    }
}
