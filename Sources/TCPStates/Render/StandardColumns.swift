/// The columns every table has, as `TableColumn`s; `--udp`, `--processes`,
/// `--timers` and `--info` add theirs after them.
public enum StandardColumns {
    /// PROTO (when TCP and UDP are both listed, as ss's Netid), STATE,
    /// RECV-Q, SEND-Q, LOCAL, REMOTE. On a narrow screen the queues go
    /// first, then PROTO, then REMOTE; then a long STATE (`OLD -> NEW`) is
    /// cut, then LOCAL goes; STATE stays longest.
    public static func columns(showsProtocol: Bool) -> [TableColumn] {
        var columns: [TableColumn] = []
        if showsProtocol {
            columns.append(TableColumn("PROTO", screenPriority: 40) { c, w in
                w.append(c.transport.rawValue)
            })
        }
        columns += [
            TableColumn("STATE", screenPriority: 100, cutPriority: 85) { c, w in w.append(c.stateText) },
            TableColumn("RECV-Q", alignsRight: true, screenPriority: 20) { c, w in
                w.append(decimal: UInt64(c.recvQueue))
            },
            TableColumn("SEND-Q", alignsRight: true, screenPriority: 10) { c, w in
                w.append(decimal: UInt64(c.sendQueue))
            },
            TableColumn("LOCAL", screenPriority: 90) { c, w in w.append(endpoint: c.local) },
            TableColumn("REMOTE", screenPriority: 80) { c, w in w.append(endpoint: c.remote) },
        ]
        return columns
    }
}
