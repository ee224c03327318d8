/// Writes a summary as one JSON object:
/// `{"source": "netlink", "total": 20, "states": {"LISTEN": 3, ...}}`, and
/// with `byPort` also `"ports": [{"port": 443, "total": 5, "states": {...}}, ...]`
/// and `"other": {"total": 12, "states": {...}}` for sockets on none of them.
/// States carry the names of the protocol counted (UDP's UNCONN). When TCP
/// and UDP are both counted, the counts of each are under
/// `"protocols": {"tcp": {...}, "udp": {...}}`, beside the total of both.
public struct SummaryJSONRenderer {
    public var byPort = false

    public init(byPort: Bool = false) { self.byPort = byPort }

    public func render(_ summary: StateSummary, to writer: ByteWriter) throws {
        writer.append("{\"source\": \"")
        writer.append(summary.source?.rawValue ?? SourceKind.auto.rawValue)
        writer.append("\", ")
        body(summary, to: writer)
        writer.append("}\n")
        try writer.flushIfFull()
    }

    /// Several namespaces' summaries: the total of all of them, then
    /// `"namespaces": [{"netns": {...}, "total": ..., "states": {...}}, ...]`,
    /// each namespace's counts as one namespace's summary has them.
    public func render(namespaces summaries: [(namespace: NetnsIdentity, summary: StateSummary)], to writer: ByteWriter) throws {
        writer.append("{\"source\": \"")
        writer.append(summaries.first?.summary.source?.rawValue ?? SourceKind.auto.rawValue)
        writer.append("\", \"total\": ")
        writer.append(decimal: UInt64(summaries.reduce(0) { $0 + $1.summary.total.total }))
        writer.append(", \"namespaces\": [")
        for (index, (namespace, summary)) in summaries.enumerated() {
            writer.append(index == 0 ? "\n{" : ",\n{")
            // appendJSON writes `, "netns": ...`: without its leading comma here.
            let member = ByteWriter(threshold: .max) { _ in }
            NetnsColumns.appendJSON(namespace, to: member)
            member.withUnsafeBytes { writer.append(UnsafeRawBufferPointer(rebasing: $0.dropFirst(2))) }
            writer.append(", ")
            body(summary, to: writer)
            writer.append(UInt8(ascii: "}"))
            try writer.flushIfFull()
        }
        writer.append(summaries.isEmpty ? "]}\n" : "\n]}\n")
        try writer.flushIfFull()
    }

    /// The counts: one protocol's, or the total and each protocol's.
    private func body(_ summary: StateSummary, to writer: ByteWriter) {
        if summary.transports.count == 1, let transport = summary.transports.first {
            counts(of: transport, in: summary, to: writer)
        } else {
            writer.append("\"total\": ")
            writer.append(decimal: UInt64(summary.total.total))
            writer.append(", \"protocols\": {")
            for (index, transport) in summary.transports.enumerated() {
                writer.append(index == 0 ? "\"" : ", \"")
                writer.append(transport.rawValue)
                writer.append("\": {")
                counts(of: transport, in: summary, to: writer)
                writer.append(UInt8(ascii: "}"))
            }
            writer.append(UInt8(ascii: "}"))
        }
    }

    /// The members of one protocol's counts: total and states, and per port.
    private func counts(of transport: TransportProtocol, in summary: StateSummary, to writer: ByteWriter) {
        counts(summary.total(of: transport), transport, summary, to: writer)
        guard byPort else { return }
        let ports = summary.byPort(of: transport)
        writer.append(", \"ports\": [")
        var first = true
        for (port, counts) in ports {
            guard case .port(let number) = port else { continue }
            writer.append(first ? "\n{\"port\": " : ",\n{\"port\": ")
            first = false
            writer.append(decimal: UInt64(number))
            writer.append(", ")
            self.counts(counts, transport, summary, to: writer)
            writer.append(UInt8(ascii: "}"))
        }
        writer.append(first ? "], \"other\": {" : "\n], \"other\": {")
        counts(ports.first { $0.port == .other }?.counts ?? StateCounts(), transport, summary, to: writer)
        writer.append(UInt8(ascii: "}"))
    }

    /// `"total": N, "states": {"NAME": n, ...}`
    private func counts(_ counts: StateCounts, _ transport: TransportProtocol, _ summary: StateSummary,
                        to writer: ByteWriter) {
        writer.append("\"total\": ")
        writer.append(decimal: UInt64(counts.total))
        writer.append(", \"states\": {")
        for (index, row) in summary.rows(counts, of: transport).enumerated() {
            if index > 0 { writer.append(", ") }
            writer.append(UInt8(ascii: "\""))
            writer.append(row.name)
            writer.append("\": ")
            writer.append(decimal: UInt64(row.count))
        }
        writer.append(UInt8(ascii: "}"))
    }
}
