import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// A listing of several network namespaces (`--all-netns`, `--netns a,b`):
/// every row carries its namespace, in a NETNS column or a `netns` member.
struct NamespacesListing {
    let selection: NamespaceSelection
    let filter: ConnectionFilter
    let details: DetailOptions
    let source: SourceKind
    let order: ConnectionOrder?
    let format: OutputFormat
    let showsHeader: Bool

    func run(to writer: ByteWriter) throws {
        let namespaces = try selection.resolve()
        var lister = NamespaceLister(filter: filter, kind: source)
        lister.skipsDenied = selection.skipsDenied
        if details.info { lister.extensions = 1 << 1 | 1 << 3 }
        let listing = try lister.list(namespaces)
        for namespace in listing.namespaces {
            for notice in namespace.notices { Terminal.warning("\(namespace.namespace.identity.label): \(notice)") }
        }
        if listing.deniedCount > 0 {
            Terminal.warning("could not enter \(listing.deniedCount) of \(namespaces.count) network namespaces: that needs root (CAP_SYS_ADMIN); listing the others")
        }
        // Socket inodes are machine-wide: one scan finds the owners in every namespace.
        let owners = details.wantsOwners ? try ProcessScanner().scan() : nil
        let ownerFilter = details.ownerFilter
        var rows = listing.namespaces.flatMap(\.connections)
        if let owners, !ownerFilter.isEmpty { rows.removeAll { !ownerFilter.matches(owners.owners(of: $0.inode)) } }
        if let order {
            // Equal keys keep the namespaces' order: a defined order whatever the sort does with ties.
            let rank = Dictionary(listing.namespaces.enumerated().map { ($1.namespace.identity.inode, $0) },
                                  uniquingKeysWith: { first, _ in first })
            rows.sort { a, b in
                order.areInIncreasingOrder(a, b) || (!order.areInIncreasingOrder(b, a) && rank[a.netnsInode]! < rank[b.netnsInode]!)
            }
        }
        let identities = listing.identities
        let used = listing.namespaces.first?.source ?? .netlink
        if used == .proc, details.info {
            Terminal.warning("/proc/net/tcp has no tcp_info: --info shows nothing (timers, uid and inode are there)")
        }
        if format == .json {
            var renderer = JSONRenderer(writer: writer)
            let (timers, info) = (details.timers, details.info)
            renderer.extraMembers = { connection, writer in
                NetnsColumns.appendJSON(identities[connection.netnsInode], to: writer)
                if let owners { OwnerColumns.appendJSON(owners.owners(of: connection.inode), to: writer) }
                if timers { TimerColumns.appendJSON(connection.timer, to: writer) }
                if info { InfoColumns.appendJSON(connection.tcpInfo, to: writer) }
            }
            try renderer.begin(source: used)
            for row in rows { try renderer.add(row) }
            try renderer.finish()
        } else {
            var columns = StandardColumns.columns(showsProtocol: details.transports.count > 1)
            columns.append(NetnsColumns.column(identities))
            if details.timers { columns.append(TimerColumns.column) }
            if let owners { columns.append(OwnerColumns.column(owners)) }
            if details.info { columns.append(InfoColumns.column) }
            try ColumnTable(columns: columns, showsHeader: showsHeader).render(rows, to: writer)
        }
        try writer.flush()
    }
}
