/// One column of a table of connections: a header and how to write a
/// row's cell. The listing's `ColumnTable` and the watch screen take the
/// same columns.
public struct TableColumn {
    public let header: String
    /// Numbers align right; text aligns left.
    public let alignsRight: Bool
    /// How much the column is worth on a screen too narrow for all: the
    /// screen hides the columns of lowest priority first.
    public var screenPriority: Int
    /// For text, which a screen may cut (marked `…`): the priority of
    /// keeping its values whole, below which the screen cuts them rather than
    /// hide another column. Nil for numbers, addresses and ports, which are
    /// never cut: their column is hidden instead.
    public var cutPriority: Int?
    /// Writes the connection's cell; it must not write spaces at either end.
    public let cell: (Connection, ByteWriter) -> Void

    public init(_ header: String, alignsRight: Bool = false, screenPriority: Int = 50, cutPriority: Int? = nil,
                cell: @escaping (Connection, ByteWriter) -> Void) {
        self.header = header
        self.alignsRight = alignsRight
        self.screenPriority = screenPriority
        self.cutPriority = cutPriority
        self.cell = cell
    }
}

/// Writes connections as an aligned table of chosen columns: the table of
/// `--udp`, `--processes`, `--timers` and `--info`, whose columns vary and
/// whose text (process names, tcp_info) has no bound: the table is measured
/// whole. Cells are written once into an arena and measured there, then
/// lined up by the `TableAligner`.
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
        var widths: [Int32] = []
        ends.reserveCapacity(connections.count * columns.count)
        widths.reserveCapacity(connections.count * columns.count)
        var aligner = TableAligner(columns.map { TableAligner.Column(header: $0.header, alignsRight: $0.alignsRight) })
        for connection in connections {
            for (index, column) in columns.enumerated() {
                let start = arena.count
                column.cell(connection, arena)
                ends.append(arena.count)
                let width = arena.withUnsafeBytes { displayWidth(UnsafeRawBufferPointer(rebasing: $0[start...])) }
                widths.append(Int32(truncatingIfNeeded: width))
                aligner.fit(index, width: width)
            }
        }
        if showsHeader { aligner.writeHeader(to: writer) }
        try arena.withUnsafeBytes { cells in
            var start = 0
            var cell = 0
            for _ in connections {
                writer.write(atMost: aligner.lineWidth + ends[cell + columns.count - 1] - start + 1) { cursor in
                    for index in columns.indices {
                        let text = UnsafeRawBufferPointer(rebasing: cells[start..<ends[cell]])
                        aligner.cell(index, &cursor, displayWidth: Int(widths[cell])) { $0.append(text) }
                        start = ends[cell]
                        cell += 1
                    }
                    cursor.append(UInt8(ascii: "\n"))
                }
                try writer.flushIfFull()
            }
        }
    }
}
