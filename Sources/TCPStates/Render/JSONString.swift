/// The one JSON string escaper: every JSON tcpstates writes (listings, watch
/// and trace events, owners, explanations) quotes text through it.
extension ByteWriter {
    /// A JSON string literal, quotes included, per RFC 8259: `\"`, `\\`, the
    /// short forms `\b \f \n \r \t`, and `\u00XX` for the other control
    /// characters. Beyond what JSON requires, and so that JSON shown on a
    /// terminal is as safe as a table: DEL and C1 controls, and characters that
    /// reorder or hide text (bidi controls, zero-width and line separators),
    /// are `\uXXXX` too. Bytes that are not UTF-8 become U+FFFD.
    public func append(jsonString bytes: [UInt8]) {
        bytes.withUnsafeBytes { append(jsonString: $0) }
    }

    /// `append(jsonString:)` for text made here.
    public func append(jsonString text: String) {
        var text = text
        text.withUTF8 { append(jsonString: UnsafeRawBufferPointer($0)) }
    }

    public func append(jsonString bytes: UnsafeRawBufferPointer) {
        // Each input byte gives at most 6 output bytes (`\u00XX`; U+FFFD for
        // one bad byte is 3; a 3-byte character as `\uXXXX` is 6).
        write(atMost: 2 + 6 * bytes.count) { cursor in
            cursor.append(UInt8(ascii: "\""))
            if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                cursor.append(bytes)
            } else {
                for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
                    cursor.append(jsonEscaped: scalar)
                }
            }
            cursor.append(UInt8(ascii: "\""))
        }
    }
}

extension ByteCursor {
    @inline(__always)
    mutating func append(jsonEscaped scalar: Unicode.Scalar) {
        switch scalar.value {
        case 0x22: append("\\\"")
        case 0x5C: append("\\\\")
        case 0x08: append("\\b")
        case 0x0C: append("\\f")
        case 0x0A: append("\\n")
        case 0x0D: append("\\r")
        case 0x09: append("\\t")
        case 0..<0x20, 0x7F...0x9F:
            append("\\u00")
            append(hexDigitsOf: UInt8(scalar.value))
        case let value where OutsideText.hidesText(value):
            append("\\u")
            append(hexDigitsOf: UInt8(value >> 8))
            append(hexDigitsOf: UInt8(truncatingIfNeeded: value))
        case 0..<0x80:
            append(UInt8(scalar.value))
        default:
            var utf8 = scalar.utf8.makeIterator()
            while let byte = utf8.next() { append(byte) }
        }
    }

    /// Two lowercase hex digits.
    @inline(__always)
    mutating func append(hexDigitsOf byte: UInt8) {
        let digits: StaticString = "0123456789abcdef"
        append(digits.utf8Start[Int(byte >> 4)])
        append(digits.utf8Start[Int(byte & 0xF)])
    }
}
