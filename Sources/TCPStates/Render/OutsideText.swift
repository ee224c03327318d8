/// Writing strings that come from the outside world (process names, user
/// names, anything read from /proc): a process may name itself `\e[2J` or put
/// a newline in its name, and neither may reach a terminal or break a line.
extension ByteWriter {
    /// For tables: printable UTF-8 as is; `\\`, `\n`, `\t` and `\xNN` for
    /// backslashes, control characters (C0, DEL, C1) and bytes that are not
    /// UTF-8; `\u{XXXX}` for characters that reorder or hide text (bidi
    /// controls, zero-width and line separators).
    public func append(escaping bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            for byte in bytes { byte < 0x80 ? appendEscaped(ascii: byte) : appendHex(byte) }
            return
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                appendEscaped(ascii: UInt8(value))
            } else if value <= 0x9F {
                for byte in String(scalar).utf8 { appendHex(byte) }
            } else if Self.invisible.contains(where: { $0.contains(value) }) {
                append("\\u{")
                append(String(value, radix: 16))
                append(UInt8(ascii: "}"))
            } else {
                append(String(scalar))
            }
        }
    }

    /// For JSON: the contents of a string literal per RFC 8259, with control
    /// characters as `\u00XX`; bytes that are not UTF-8 become U+FFFD.
    public func append(jsonEscaping bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0..<0x20, 0x7F:
                append("\\u00")
                appendHexDigits(byte)
            default: append(byte)
            }
        }
    }

    /// A JSON string value from outside text, quotes included.
    public func append(jsonString bytes: [UInt8]) {
        append(UInt8(ascii: "\""))
        append(jsonEscaping: bytes)
        append(UInt8(ascii: "\""))
    }

    /// Bidi embeddings, overrides and isolates, zero-width characters, line
    /// and paragraph separators, the byte order mark.
    private static let invisible: [ClosedRange<UInt32>] = [
        0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2069, 0xFEFF...0xFEFF,
    ]

    private func appendEscaped(ascii byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\\"): append("\\\\")
        case UInt8(ascii: "\n"): append("\\n")
        case UInt8(ascii: "\t"): append("\\t")
        case 0..<0x20, 0x7F: appendHex(byte)
        default: append(byte)
        }
    }

    private func appendHex(_ byte: UInt8) {
        append("\\x")
        appendHexDigits(byte)
    }

    private func appendHexDigits(_ byte: UInt8) {
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { hex in
            append(hex[Int(byte >> 4)])
            append(hex[Int(byte & 0xF)])
        }
    }
}
