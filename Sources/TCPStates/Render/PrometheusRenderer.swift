/// Writes a summary in Prometheus's text exposition format, for
/// node_exporter's textfile collector: one gauge,
/// `tcpstates_connections{protocol="tcp",state="ESTABLISHED",port="443",family="ipv4"} 12`,
/// for every state of the filter in every reported port, protocol and
/// family, zeros included, so that a series does not vanish when its count
/// drops to 0. UDP's states are UNCONN and ESTABLISHED.
///
/// Every label value is made here (protocol and state names, port numbers,
/// `other`, `ipv4`/`ipv6`), so none needs escaping, but for the `netns`
/// label of several namespaces' summaries: the name (escaped) or the inode.
public struct PrometheusRenderer {
    public static let metric = "tcpstates_connections"

    public init() {}

    public func render(_ summary: StateSummary, to writer: ByteWriter) throws {
        header(to: writer)
        try samples(summary, netns: nil, to: writer)
    }

    /// Several namespaces' summaries: every sample also has a `netns` label,
    /// the namespace's name or else its inode, one series per namespace.
    public func render(namespaces summaries: [(namespace: NetnsIdentity, summary: StateSummary)], to writer: ByteWriter) throws {
        header(to: writer)
        for (namespace, summary) in summaries {
            try samples(summary, netns: NetnsColumns.prometheusLabel(namespace), to: writer)
        }
    }

    private func header(to writer: ByteWriter) {
        writer.append("# HELP \(Self.metric) Sockets by protocol, state, port and address family. ")
        writer.append("port is a local listener port, a port named with --port, or \"other\".\n")
        writer.append("# TYPE \(Self.metric) gauge\n")
    }

    private func samples(_ summary: StateSummary, netns: String?, to writer: ByteWriter) throws {
        for (group, counts) in summary.cells {
            for row in summary.rows(counts, of: group.transport) {
                writer.append("\(Self.metric){")
                if let netns {
                    writer.append("netns=\"")
                    writer.append(netns)
                    writer.append("\",")
                }
                writer.append("protocol=\"")
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
