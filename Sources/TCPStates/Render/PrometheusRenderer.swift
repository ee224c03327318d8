/// Writes a summary in Prometheus's text exposition format, for
/// node_exporter's textfile collector: one gauge,
/// `tcpstates_connections{protocol="tcp",state="ESTABLISHED",port="443",family="ipv4"} 12`,
/// for every state of the filter in every reported port, protocol and
/// family, zeros included, so that a series does not vanish when its count
/// drops to 0. UDP's states are UNCONN and ESTABLISHED.
///
/// Every label value is made here (protocol and state names, port numbers,
/// `other`, `ipv4`/`ipv6`), so none needs escaping.
public struct PrometheusRenderer {
    public static let metric = "tcpstates_connections"

    public init() {}

    public func render(_ summary: StateSummary, to writer: ByteWriter) throws {
        writer.append("# HELP \(Self.metric) Sockets by protocol, state, port and address family. ")
        writer.append("port is a local listener port, a port named with --port, or \"other\".\n")
        writer.append("# TYPE \(Self.metric) gauge\n")
        for (group, counts) in summary.cells {
            for row in summary.rows(counts, of: group.transport) {
                writer.append("\(Self.metric){protocol=\"")
                writer.append(group.transport.rawValue)
                writer.append("\",state=\"")
                writer.append(row.name)
                writer.append("\",port=\"")
                writer.append(group.port.label)
                writer.append("\",family=\"")
                writer.append(group.family.name)
                writer.append("\"} ")
                writer.append(decimal: UInt64(row.count))
                writer.append(UInt8(ascii: "\n"))
            }
            try writer.flushIfFull()
        }
    }
}
