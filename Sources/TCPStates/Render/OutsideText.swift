/// Text that comes from the outside world (process names, user names,
/// anything read from /proc, arguments): a process may name itself `\e[2J`
/// or put a newline in its name, and neither may reach a terminal or break a
/// line. Tables and screens escape it with `append(escaping:)`, JSON with
/// `append(jsonString:)`.
public enum OutsideText {
    /// Bidi embeddings, overrides and isolates, zero-width characters, line
    /// and paragraph separators, the byte order mark.
    private static let hidden: [ClosedRange<UInt32>] = [
        0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2069, 0xFEFF...0xFEFF,
    ]

    /// Whether a character reorders or hides text.
    static func hidesText(_ value: UInt32) -> Bool {
        value >= 0x200B && hidden.contains { $0.contains(value) }
    }

    /// `text` escaped as `append(escaping:)` writes it, for screens that build strings.
    public static func escaped(_ text: String) -> String {
        escaped(Array(text.utf8))
    }

    /// `bytes` escaped as `append(escaping:)` writes them.
    public static func escaped(_ bytes: [UInt8]) -> String {
        let writer = ByteWriter(threshold: .max) { _ in }
        writer.append(escaping: bytes)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

extension ByteWriter {
    /// For tables: printable UTF-8 as is; `\\`, `\n`, `\t` and `\xNN` for
    /// backslashes, control characters (C0, DEL, C1) and bytes that are not
    /// UTF-8; `\u{XXXX}` for characters that reorder or hide text (bidi
    /// controls, zero-width and line separators).
    public func append(escaping bytes: [UInt8]) {
        // Each input byte gives at most 4 output bytes (`\xNN`; `\u{XXXX}` is 8 for 3).
        write(atMost: 4 * bytes.count) { $0.append(escaping: bytes) }
    }
}

extension ByteCursor {
    /// `ByteWriter.append(escaping:)` through a cursor, for a table's cell.
    public mutating func append(escaping bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            for byte in bytes { byte < 0x80 ? appendEscaped(ascii: byte) : appendHex(byte) }
            return
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                appendEscaped(ascii: UInt8(value))
            } else if value <= 0x9F {
                for byte in scalar.utf8 { appendHex(byte) }
            } else if OutsideText.hidesText(value) {
                append("\\u{")
                append(hexDigitsOf: UInt8(value >> 8))
                append(hexDigitsOf: UInt8(truncatingIfNeeded: value))
                append(UInt8(ascii: "}"))
            } else {
                for byte in scalar.utf8 { append(byte) }
            }
        }
    }
}

extension ByteCursor {
    fileprivate mutating func appendEscaped(ascii byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\\"): append("\\\\")
        case UInt8(ascii: "\n"): append("\\n")
        case UInt8(ascii: "\t"): append("\\t")
        case 0..<0x20, 0x7F: appendHex(byte)
        default: append(byte)
        }
    }

    fileprivate mutating func appendHex(_ byte: UInt8) {
        append("\\x")
        append(hexDigitsOf: byte)
    }
}
