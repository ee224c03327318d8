/// Writes a summary as one JSON object:
/// `{"source": "netlink", "total": 20, "states": {"LISTEN": 3, ...}}`, and
/// with `byPort` also `"ports": [{"port": 443, "total": 5, "states": {...}}, ...]`
/// and `"other": {"total": 12, "states": {...}}` for sockets on none of them.
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

    /// Several namespaces' summaries: the counts of all of them, then
    /// `"namespaces": [{"netns": {...}, "total": ..., "states": {...}}, ...]`,
    /// each with its own `ports` and `other` when `byPort`.
    public func render(namespaces summaries: [(namespace: NetnsIdentity, summary: StateSummary)], to writer: ByteWriter) throws {
        writer.append("{\"source\": \"")
        writer.append(summaries.first?.summary.source?.rawValue ?? SourceKind.auto.rawValue)
        writer.append("\", ")
        let all = summaries.reduce(into: StateCounts()) { $0.add($1.summary.total) }
        counts(all, states: summaries.first?.summary.states ?? .all, to: writer)
        writer.append(", \"namespaces\": [")
        for (index, (namespace, summary)) in summaries.enumerated() {
            writer.append(index == 0 ? "\n{" : ",\n{")
            // appendJSON writes `, "netns": ...`: drop its leading comma.
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

    /// `"total": N, "states": {...}` and, by port, `"ports"` and `"other"`.
    private func body(_ summary: StateSummary, to writer: ByteWriter) {
        counts(summary.total, states: summary.states, to: writer)
        if byPort {
            writer.append(", \"ports\": [")
            var first = true
            for (port, counts) in summary.byPort {
                guard case .port(let number) = port else { continue }
                writer.append(first ? "\n{\"port\": " : ",\n{\"port\": ")
                first = false
                writer.append(decimal: UInt64(number))
                writer.append(", ")
                self.counts(counts, states: summary.states, to: writer)
                writer.append(UInt8(ascii: "}"))
            }
            writer.append(first ? "], \"other\": {" : "\n], \"other\": {")
            let other = summary.byPort.first { $0.port == .other }?.counts ?? StateCounts()
            counts(other, states: summary.states, to: writer)
            writer.append(UInt8(ascii: "}"))
        }
    }

    /// `"total": N, "states": {"NAME": n, ...}`
    private func counts(_ counts: StateCounts, states: StateSet, to writer: ByteWriter) {
        writer.append("\"total\": ")
        writer.append(decimal: UInt64(counts.total))
        writer.append(", \"states\": {")
        for (index, row) in counts.rows(states: states).enumerated() {
            if index > 0 { writer.append(", ") }
            writer.append(UInt8(ascii: "\""))
            writer.append(row.name)
            writer.append("\": ")
            writer.append(decimal: UInt64(row.count))
        }
        writer.append(UInt8(ascii: "}"))
    }
}
