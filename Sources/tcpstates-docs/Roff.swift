/// Text made safe for a roff input line.
enum Roff {
    /// Escapes backslashes and hyphens (`\-` is the minus a reader can search
    /// and copy), and a leading `.` or `'` that would start a request.
    static func text(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\e"
            case "-": out += "\\-"
            default: out.append(character)
            }
        }
        if out.hasPrefix(".") || out.hasPrefix("'") { out = "\\&" + out }
        return out
    }

    /// Paragraphs (separated by blank lines) as text lines of at most 80
    /// bytes (mandoc's limit for a clean page), with `.PP` between.
    static func paragraphs(_ text: String) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n\n", omittingEmptySubsequences: true) {
            if !lines.isEmpty { lines.append(".PP") }
            var line = ""
            for word in paragraph.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                let escaped = Self.text(String(word))
                if !line.isEmpty && line.utf8.count + 1 + escaped.utf8.count > 80 {
                    lines.append(line)
                    line = ""
                }
                // text() guards a leading `.` of every word: harmless mid-line, needed at a line's start.
                line += line.isEmpty ? escaped : " " + escaped
            }
            if !line.isEmpty { lines.append(line) }
        }
        return lines
    }
}
