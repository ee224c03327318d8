/// The one rule by which tcpstates lines columns up, behind every table: the
/// listing (streamed with fixed widths, or measured whole), the summary, and
/// the watch screen with its transitions pane.
///
/// Two spaces between columns; text aligns left and numbers right; the last
/// column is not padded, so that no line ends in blanks. A cell wider than
/// its column is written whole and pushes the rest of its line right: the
/// aligner never cuts a value (the watch screen cuts, visibly, before it
/// gets here).
public struct TableAligner: Sendable {
    public struct Column: Sendable, Equatable {
        public var header: String
        public var alignsRight: Bool
        /// Terminal columns of the widest cell; at least the header's.
        public var width: Int
        /// Blanks after the column: `gap`, or one for a mark column such as the screen's `+`.
        public var gapAfter: Int

        public init(header: String, alignsRight: Bool = false, width: Int = 0, gapAfter: Int = TableAligner.gap) {
            self.header = header
            self.alignsRight = alignsRight
            self.width = max(width, textWidth(header))
            self.gapAfter = gapAfter
        }
    }

    /// Blanks between two columns.
    public static let gap = 2

    public var columns: [Column]

    public init(_ columns: [Column]) { self.columns = columns }

    /// Widens a column to hold a cell `width` terminal columns wide.
    @inline(__always)
    public mutating func fit(_ column: Int, width: Int) {
        if columns[column].width < width { columns[column].width = width }
    }

    /// Widens each column to hold the cell of `cells` at its index.
    public mutating func fit(_ cells: [String]) {
        for (index, cell) in cells.enumerated() where index < columns.count { fit(index, width: textWidth(cell)) }
    }

    /// Terminal columns of a line whose cells all fit their columns.
    public var lineWidth: Int {
        columns.reduce(0) { $0 + $1.width + $1.gapAfter } - (columns.last?.gapAfter ?? 0)
    }

    // MARK: Bytes, for listings

    /// Writes one cell through `cursor`: `body` writes the text, the aligner
    /// pads it and adds the gap. `displayWidth` is the text's width in terminal
    /// columns when it is not one column a byte (UTF-8 from outside), or
    /// `countsCharacters` has the aligner count them. A right-aligned cell is
    /// moved right once written; `cell(_:_:width:_:)` avoids the move.
    @inline(__always)
    public func cell(_ column: Int, _ cursor: inout ByteCursor, displayWidth: Int? = nil, countsCharacters: Bool = false,
                     _ body: (inout ByteCursor) -> Void) {
        let c = columns[column]
        Self.cell(&cursor, columnWidth: c.width, alignsRight: c.alignsRight, gapAfter: c.gapAfter,
                  isLast: column == columns.count - 1, displayWidth: displayWidth, countsCharacters: countsCharacters, body)
    }

    /// Writes one cell whose width is known before it is written (a
    /// number, a state name): padding goes before or after it, nothing moves.
    @inline(__always)
    public func cell(_ column: Int, _ cursor: inout ByteCursor, width: Int, _ body: (inout ByteCursor) -> Void) {
        let c = columns[column]
        Self.cell(&cursor, width: width, columnWidth: c.width, alignsRight: c.alignsRight, gapAfter: c.gapAfter,
                  isLast: column == columns.count - 1, body)
    }

    // The rule itself, for columns given by their parts: a streaming renderer
    // whose alignments and gaps are constants calls these directly, and the
    // compiler folds the rule into straight-line code.

    /// A cell measured once written.
    @inline(__always)
    public static func cell(_ cursor: inout ByteCursor, columnWidth: Int, alignsRight: Bool = false,
                            gapAfter: Int = gap, isLast: Bool, displayWidth: Int? = nil, countsCharacters: Bool = false,
                            _ body: (inout ByteCursor) -> Void) {
        let start = cursor.written
        body(&cursor)
        let width = displayWidth
            ?? (countsCharacters ? TCPStates.displayWidth(cursor.bytes(from: start)) : cursor.written - start)
        let padding = columnWidth - width
        if alignsRight {
            cursor.insertSpaces(padding, at: start)
            if !isLast { cursor.appendSpaces(gapAfter) }
        } else if !isLast {
            cursor.appendSpaces(max(0, padding) + gapAfter)
        }
    }

    /// A cell whose width is known before it is written.
    @inline(__always)
    public static func cell(_ cursor: inout ByteCursor, width: Int, columnWidth: Int, alignsRight: Bool = false,
                            gapAfter: Int = gap, isLast: Bool, _ body: (inout ByteCursor) -> Void) {
        let padding = columnWidth - width
        if alignsRight {
            cursor.appendSpaces(padding)
            body(&cursor)
            if !isLast { cursor.appendSpaces(gapAfter) }
        } else {
            body(&cursor)
            if !isLast { cursor.appendSpaces(max(0, padding) + gapAfter) }
        }
    }

    /// Writes the header line.
    public func writeHeader(to writer: ByteWriter) {
        writeLine(columns.map(\.header), to: writer)
    }

    /// Writes a line of cells given as text, then a newline.
    public func writeLine(_ cells: [String], to writer: ByteWriter) {
        writer.write(atMost: lineWidth + cells.reduce(1) { $0 + $1.utf8.count }) { cursor in
            for (index, text) in cells.enumerated() where index < columns.count {
                let width = textWidth(text)
                var text = text
                text.withUTF8 { utf8 in
                    cell(index, &cursor, displayWidth: width) { $0.append(UnsafeRawBufferPointer(utf8)) }
                }
            }
            cursor.append(UInt8(ascii: "\n"))
        }
    }

    // MARK: Strings, for the screen

    /// One line of cells given as text, without a newline.
    public func line(_ cells: [String]) -> String {
        var line = ""
        for (index, text) in cells.enumerated() where index < columns.count {
            let padding = String(repeating: " ", count: max(0, columns[index].width - textWidth(text)))
            let isLast = index == columns.count - 1
            if columns[index].alignsRight {
                line += padding + text
            } else {
                line += isLast ? text : text + padding
            }
            if !isLast { line += String(repeating: " ", count: columns[index].gapAfter) }
        }
        return line
    }
}

/// Terminal columns of text: one a character. Escaped outside text has no
/// wide or zero-width characters (the escaper writes those as `\u{...}`).
public func textWidth(_ text: String) -> Int { displayWidth(text.utf8) }

/// Terminal columns of UTF-8 bytes: one a character.
func displayWidth(_ text: some Sequence<UInt8>) -> Int {
    var count = 0
    for byte in text where byte & 0xC0 != 0x80 { count += 1 }
    return count
}
