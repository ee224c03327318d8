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
        writer.append("}\n")
        try writer.flushIfFull()
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
