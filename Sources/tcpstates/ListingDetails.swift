import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// The run-time side of `DetailOptions`: sets up the filter and lister,
/// supplies the table's columns and the JSON members, and reports what the
/// source used could not fill.
struct ListingDetails {
    private let options: DetailOptions
    private let owners: OwnerTable?

    /// Applies the options to `filter`, enters the namespace asked for and,
    /// when owners are wanted, scans /proc for the processes in it.
    init(_ options: DetailOptions, filters: FilterOptions, filter: inout ConnectionFilter) throws {
        self.options = options
        options.apply(to: &filter, filters)
        // First: the netlink socket, /proc/net and the owner scan all follow it.
        if let netns = options.netns { try NetworkNamespace.enter(netns) }
        if options.wantsOwners {
            var scanner = ProcessScanner()
            scanner.networkNamespace = ProcessScanner.currentNetworkNamespace()
            let table = try scanner.scan()
            // Root may still be refused a few (a container's init): not worth a line.
            if table.deniedProcesses > 0, geteuid() != 0 {
                Terminal.warning("sockets of \(table.deniedProcesses) processes of other users show no owner: that needs root")
            }
            owners = table
        } else {
            owners = nil
        }
    }

    /// Sets what the lister asks the kernel for and filters on.
    func configure(_ lister: inout ConnectionLister) {
        // idiag_ext bit n - 1 asks for attribute n: INET_DIAG_INFO (2), INET_DIAG_CONG (4).
        if options.info { lister.extensions = 1 << 1 | 1 << 3 }
        let ownerFilter = options.ownerFilter
        if let owners, !ownerFilter.isEmpty {
            lister.accepts = { ownerFilter.matches(owners.owners(of: $0.inode)) }
        }
    }

    /// The columns of the table, or nil for the standard TCP table.
    var columns: [TableColumn]? {
        guard options.needsColumnTable else { return nil }
        var columns = StandardColumns.columns(showsProtocol: options.transports.count > 1)
        if options.timers { columns.append(TimerColumns.column) }
        if let owners { columns.append(OwnerColumns.column(owners)) }
        if options.info { columns.append(InfoColumns.column) }
        return columns
    }

    /// Writes the members the options asked for into each JSON connection.
    var jsonMembers: ((Connection, ByteWriter) -> Void)? {
        guard options.timers || options.info || owners != nil else { return nil }
        let (timers, info, owners) = (options.timers, options.info, owners)
        return { connection, writer in
            if let owners { OwnerColumns.appendJSON(owners.owners(of: connection.inode), to: writer) }
            if timers { TimerColumns.appendJSON(connection.timer, to: writer) }
            if info { InfoColumns.appendJSON(connection.tcpInfo, to: writer) }
        }
    }

    /// Says, once, what the source used cannot fill.
    func report(source: SourceKind) {
        if source == .proc, options.info {
            Terminal.warning("/proc/net/tcp has no tcp_info: --info shows nothing (timers, uid and inode are there)")
        }
    }
}
