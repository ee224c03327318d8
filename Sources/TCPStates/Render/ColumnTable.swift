/// One column of a `ColumnTable`: a header and how to write a row's cell.
public struct TableColumn {
    public let header: String
    /// Numbers align right; text aligns left.
    public let alignsRight: Bool
    /// Writes the connection's cell; it must not write spaces at either end.
    public let cell: (Connection, ByteWriter) -> Void

    public init(_ header: String, alignsRight: Bool = false, cell: @escaping (Connection, ByteWriter) -> Void) {
        self.header = header
        self.alignsRight = alignsRight
        self.cell = cell
    }
}

/// Writes connections as an aligned table of chosen columns: the table of
/// `--udp`, `--processes`, `--timers` and `--info`, whose columns vary.
/// Cells are written once into an arena and measured there; the last column
/// is not padded, so no line ends in blanks.
public struct ColumnTable {
    public var columns: [TableColumn]
    public var showsHeader: Bool

    public init(columns: [TableColumn], showsHeader: Bool = true) {
        self.columns = columns
        self.showsHeader = showsHeader
    }

    public func render(_ connections: [Connection], to writer: ByteWriter) throws {
        let arena = ByteWriter(threshold: .max) { _ in }
        var ends: [Int] = []
        ends.reserveCapacity(connections.count * columns.count)
        var widths = columns.map { displayWidth($0.header.utf8) }
        for connection in connections {
            for (index, column) in columns.enumerated() {
                let start = arena.count
                column.cell(connection, arena)
                ends.append(arena.count)
                let width = arena.withUnsafeBytes { displayWidth(UnsafeRawBufferPointer(rebasing: $0[start...])) }
                widths[index] = max(widths[index], width)
            }
        }
        if showsHeader {
            for (index, column) in columns.enumerated() {
                Array(column.header.utf8).withUnsafeBytes { writeCell($0, column: index, widths: widths, to: writer) }
            }
            writer.append(UInt8(ascii: "\n"))
        }
        try arena.withUnsafeBytes { cells in
            var start = 0
            var cell = 0
            for _ in connections {
                for index in columns.indices {
                    writeCell(UnsafeRawBufferPointer(rebasing: cells[start..<ends[cell]]), column: index,
                              widths: widths, to: writer)
                    start = ends[cell]
                    cell += 1
                }
                writer.append(UInt8(ascii: "\n"))
                try writer.flushIfFull()
            }
        }
    }

    private func writeCell(_ text: UnsafeRawBufferPointer, column: Int, widths: [Int], to writer: ByteWriter) {
        let padding = widths[column] - displayWidth(text)
        let isLast = column == columns.count - 1
        if columns[column].alignsRight { writer.appendSpaces(padding) }
        writer.append(text)
        if !columns[column].alignsRight, !isLast { writer.appendSpaces(padding) }
        if !isLast { writer.appendSpaces(2) }
    }
}

/// Terminal columns of UTF-8 text: one per character (escaped text has no
/// wide or zero-width characters worth measuring apart).
func displayWidth(_ text: some Sequence<UInt8>) -> Int {
    var count = 0
    for byte in text where byte & 0xC0 != 0x80 { count += 1 }
    return count
}
