/// Writes a summary as a table: `STATE COUNT` rows in diagram order and a
/// TOTAL row or, per port, `PORT STATE COUNT` rows of the non-zero counts.
public struct SummaryTableRenderer {
    public var showsHeader = true
    public var byPort = false

    public init(showsHeader: Bool = true, byPort: Bool = false) {
        self.showsHeader = showsHeader
        self.byPort = byPort
    }

    public func render(_ summary: StateSummary, to writer: ByteWriter) throws {
        var rows: [[String]] = []
        if byPort {
            if showsHeader { rows.append(["PORT", "STATE", "COUNT"]) }
            for (port, counts) in summary.byPort {
                for row in counts.rows(states: summary.states) where row.count > 0 {
                    rows.append([port.label, row.name, String(row.count)])
                }
            }
        } else {
            if showsHeader { rows.append(["STATE", "COUNT"]) }
            let total = summary.total
            for row in total.rows(states: summary.states) { rows.append([row.name, String(row.count)]) }
            rows.append(["TOTAL", String(total.total)])
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
