/// Writes a summary as a table: `STATE COUNT` rows in diagram order and a
/// TOTAL row or, per port, `PORT STATE COUNT` rows of the non-zero counts.
/// When TCP and UDP are both counted, a PROTO column leads.
public struct SummaryTableRenderer {
    public var showsHeader = true
    public var byPort = false

    public init(showsHeader: Bool = true, byPort: Bool = false) {
        self.showsHeader = showsHeader
        self.byPort = byPort
    }

    public func render(_ summary: StateSummary, to writer: ByteWriter) throws {
        var rows: [[String]] = []
        if showsHeader { rows.append(header(summary)) }
        rows += self.rows(summary, allStates: true)
        Self.write(rows, to: writer)
        try writer.flushIfFull()
    }

    /// Several namespaces' summaries: a first NETNS column (the name, else
    /// `net:[INODE]`, and the container), each namespace's non-zero counts
    /// and its TOTAL (per port: its non-zero counts per port).
    public func render(namespaces summaries: [(namespace: NetnsIdentity, summary: StateSummary)], to writer: ByteWriter) throws {
        var rows: [[String]] = []
        if showsHeader, let first = summaries.first { rows.append(["NETNS"] + header(first.summary)) }
        for (namespace, summary) in summaries {
            let scratch = ByteWriter(threshold: .max) { _ in }
            NetnsColumns.appendText(namespace, to: scratch)
            let label = scratch.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
            rows += self.rows(summary, allStates: false).map { [label] + $0 }
        }
        Self.write(rows, to: writer)
        try writer.flushIfFull()
    }

    private func header(_ summary: StateSummary) -> [String] {
        (summary.transports.count > 1 ? ["PROTO"] : []) + (byPort ? ["PORT", "STATE", "COUNT"] : ["STATE", "COUNT"])
    }

    /// The rows under the header: per port the non-zero counts; else every
    /// state's count (or only the non-zero ones) and TOTAL.
    private func rows(_ summary: StateSummary, allStates: Bool) -> [[String]] {
        let showsProtocol = summary.transports.count > 1
        var rows: [[String]] = []
        func add(_ transport: TransportProtocol, _ cells: [String]) {
            rows.append(showsProtocol ? [transport.rawValue] + cells : cells)
        }
        if byPort {
            for transport in summary.transports {
                for (port, counts) in summary.byPort(of: transport) {
                    for row in summary.rows(counts, of: transport) where row.count > 0 {
                        add(transport, [port.label, row.name, String(row.count)])
                    }
                }
            }
        } else {
            for transport in summary.transports {
                for row in summary.rows(summary.total(of: transport), of: transport) where allStates || row.count > 0 {
                    add(transport, [row.name, String(row.count)])
                }
            }
            rows.append(["TOTAL"] + (showsProtocol ? [""] : []) + [String(summary.total.total)])
        }
        return rows
    }

    /// Left-aligned text columns, the last column (the count) right-aligned.
    private static func write(_ rows: [[String]], to writer: ByteWriter) {
        guard let columns = rows.first?.count else { return }
        var aligner = TableAligner((0..<columns).map { TableAligner.Column(header: "", alignsRight: $0 == columns - 1) })
        for row in rows { aligner.fit(row) }
        for row in rows { aligner.writeLine(row, to: writer) }
    }
}
