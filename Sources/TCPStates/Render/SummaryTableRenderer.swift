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
        let showsProtocol = summary.transports.count > 1
        var rows: [[String]] = []
        func add(_ transport: TransportProtocol, _ cells: [String]) {
            rows.append(showsProtocol ? [transport.rawValue] + cells : cells)
        }
        if byPort {
            if showsHeader { rows.append((showsProtocol ? ["PROTO"] : []) + ["PORT", "STATE", "COUNT"]) }
            for transport in summary.transports {
                for (port, counts) in summary.byPort(of: transport) {
                    for row in summary.rows(counts, of: transport) where row.count > 0 {
                        add(transport, [port.label, row.name, String(row.count)])
                    }
                }
            }
        } else {
            if showsHeader { rows.append((showsProtocol ? ["PROTO"] : []) + ["STATE", "COUNT"]) }
            for transport in summary.transports {
                for row in summary.rows(summary.total(of: transport), of: transport) {
                    add(transport, [row.name, String(row.count)])
                }
            }
            rows.append(["TOTAL"] + (showsProtocol ? [""] : []) + [String(summary.total.total)])
        }
        Self.write(rows, to: writer)
        try writer.flushIfFull()
    }

    /// Left-aligned text columns, the last column (the count) right-aligned.
    private static func write(_ rows: [[String]], to writer: ByteWriter) {
        guard let columns = rows.first?.count else { return }
        var aligner = TableAligner((0..<columns).map { TableAligner.Column(header: "", alignsRight: $0 == columns - 1) })
        for row in rows { aligner.fit(row) }
        for row in rows { aligner.writeLine(row, to: writer) }
    }
}
