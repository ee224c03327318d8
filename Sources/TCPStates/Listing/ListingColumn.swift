/// A column of the listing's table, in the order the table shows them.
public enum ListingColumn: Equatable, Sendable {
    /// PROTO: `tcp` or `udp`, shown when both are listed (ss's Netid).
    case transport
    case state
    case recvQueue
    case sendQueue
    case local
    case remote
    /// NETNS: the socket's network namespace (several namespaces listed at once).
    case netns
    /// TIMER: the armed timer, its time left and retransmissions.
    case timer
    /// PROCESS: `pid/command` of each owner.
    case process
    /// INFO: tcp_info and the congestion control.
    case info

    /// STATE, RECV-Q, SEND-Q, LOCAL, REMOTE: what every table has.
    public static let standard: [ListingColumn] = [.state, .recvQueue, .sendQueue, .local, .remote]

    /// The column as the column table and the watch screen write it; `owners`
    /// fills PROCESS and `namespaces` (by inode) NETNS. On a narrow screen the queues go first, then PROTO,
    /// then REMOTE; then a long STATE (`OLD -> NEW`) is cut, then LOCAL goes;
    /// STATE stays longest.
    public func tableColumn(owners: OwnerTable?, namespaces: [UInt64: NetnsIdentity] = [:]) -> TableColumn {
        switch self {
        case .transport: TableColumn("PROTO", screenPriority: 40) { c, w in w.append(c.transport.rawValue) }
        case .state: TableColumn("STATE", screenPriority: 100, cutPriority: 85) { c, w in w.append(c.stateText) }
        case .recvQueue:
            TableColumn("RECV-Q", alignsRight: true, screenPriority: 20) { c, w in w.append(decimal: UInt64(c.recvQueue)) }
        case .sendQueue:
            TableColumn("SEND-Q", alignsRight: true, screenPriority: 10) { c, w in w.append(decimal: UInt64(c.sendQueue)) }
        case .local: TableColumn("LOCAL", screenPriority: 90) { c, w in w.append(endpoint: c.local) }
        case .remote: TableColumn("REMOTE", screenPriority: 80) { c, w in w.append(endpoint: c.remote) }
        case .netns: NetnsColumns.column(namespaces)
        case .timer: TimerColumns.column
        case .process: OwnerColumns.column(owners ?? OwnerTable())
        case .info: InfoColumns.column
        }
    }
}
