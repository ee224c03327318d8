/// Turns screen lines into the bytes that draw them over the previous
/// frame: cursor home, each line followed by erase-to-end-of-line, then
/// erase below. Nothing is cleared first, so a refresh does not flicker.
public struct ScreenPainter {
    /// Whether to colour lines (SGR); off for NO_COLOR or a dumb terminal.
    public var usesColor: Bool

    public init(usesColor: Bool) { self.usesColor = usesColor }

    public func paint(_ lines: [ScreenLine], into writer: ByteWriter) {
        writer.append("\u{1B}[H")
        for (index, line) in lines.enumerated() {
            let sgr = usesColor ? Self.sgr(line.style) : nil
            if let sgr { writer.append(sgr) }
            writer.append(line.text)
            if sgr != nil { writer.append("\u{1B}[0m") }
            writer.append("\u{1B}[K")
            // No newline after the last line: on the bottom row it would scroll.
            if index < lines.count - 1 { writer.append("\r\n") }
        }
        writer.append("\u{1B}[J")
    }

    private static func sgr(_ style: ScreenLine.Style) -> StaticString? {
        switch style {
        case .plain: nil
        case .title: "\u{1B}[7m"
        case .heading: "\u{1B}[1m"
        case .new: "\u{1B}[32m"
        case .changed: "\u{1B}[1;33m"
        case .gone: "\u{1B}[31m"
        case .dim: "\u{1B}[2m"
        }
    }
}
