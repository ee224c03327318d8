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
        if showsHeader { rows.append(byPort ? ["PORT", "STATE", "COUNT"] : ["STATE", "COUNT"]) }
        rows += self.rows(summary, allStates: true)
        Self.write(rows, to: writer)
        try writer.flushIfFull()
    }

    /// Several namespaces' summaries: a first NETNS column (the name, else
    /// `net:[INODE]`, and the container), each namespace's non-zero counts
    /// and its TOTAL (per port: its non-zero counts per port).
    public func render(namespaces summaries: [(namespace: NetnsIdentity, summary: StateSummary)], to writer: ByteWriter) throws {
        var rows: [[String]] = []
        if showsHeader { rows.append(byPort ? ["NETNS", "PORT", "STATE", "COUNT"] : ["NETNS", "STATE", "COUNT"]) }
        for (namespace, summary) in summaries {
            let scratch = ByteWriter(threshold: .max) { _ in }
            NetnsColumns.appendText(namespace, to: scratch)
            let label = scratch.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
            rows += self.rows(summary, allStates: false).map { [label] + $0 }
        }
        Self.write(rows, to: writer)
        try writer.flushIfFull()
    }

    /// `PORT STATE COUNT` rows of the non-zero counts, or `STATE COUNT` rows
    /// (every state of the filter, or only the non-zero ones) and TOTAL.
    private func rows(_ summary: StateSummary, allStates: Bool) -> [[String]] {
        var rows: [[String]] = []
        if byPort {
            for (port, counts) in summary.byPort {
                for row in counts.rows(states: summary.states) where row.count > 0 {
                    rows.append([port.label, row.name, String(row.count)])
                }
            }
        } else {
            let total = summary.total
            for row in total.rows(states: summary.states) where allStates || row.count > 0 {
                rows.append([row.name, String(row.count)])
            }
            rows.append(["TOTAL", String(total.total)])
        }
        return rows
    }

    /// Left-aligned text columns, the last column (the count) right-aligned.
    private static func write(_ rows: [[String]], to writer: ByteWriter) {
        guard let columns = rows.first?.count else { return }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.utf8.count) }
        }
        for row in rows {
            for (index, cell) in row.enumerated() {
                if index == columns - 1 {
                    writer.appendSpaces(widths[index] - cell.utf8.count)
                    writer.append(cell)
                } else {
                    writer.append(cell)
                    writer.appendSpaces(widths[index] - cell.utf8.count + 2)
                }
            }
            writer.append(UInt8(ascii: "\n"))
        }
    }
}
