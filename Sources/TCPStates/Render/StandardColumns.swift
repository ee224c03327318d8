/// The columns every table has, as `TableColumn`s; `--udp`, `--processes`,
/// `--timers` and `--info` add theirs after them.
public enum StandardColumns {
    /// PROTO (when TCP and UDP are both listed, as ss's Netid), STATE,
    /// RECV-Q, SEND-Q, LOCAL, REMOTE.
    public static func columns(showsProtocol: Bool) -> [TableColumn] {
        var columns: [TableColumn] = []
        if showsProtocol {
            columns.append(TableColumn("PROTO") { c, w in w.append(c.transport.rawValue) })
        }
        columns += [
            TableColumn("STATE") { c, w in w.append(c.stateText) },
            TableColumn("RECV-Q", alignsRight: true) { c, w in w.append(decimal: UInt64(c.recvQueue)) },
            TableColumn("SEND-Q", alignsRight: true) { c, w in w.append(decimal: UInt64(c.sendQueue)) },
            TableColumn("LOCAL") { c, w in w.append(endpoint: c.local) },
            TableColumn("REMOTE") { c, w in w.append(endpoint: c.remote) },
        ]
        return columns
    }
}
