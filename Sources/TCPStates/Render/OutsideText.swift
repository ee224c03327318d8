/// Text from the outside world (a process's command name: bytes any program
/// may set) made safe to print: never a raw control byte on a terminal,
/// always valid JSON.
extension ByteWriter {
    /// For a terminal: printable characters as they are; control characters,
    /// DEL, C1 controls, backslash and space as `\xNN`, so that no escape
    /// sequence reaches the terminal and the text stays one column; bytes
    /// that are not UTF-8 as U+FFFD.
    public func append(escapingForTerminal bytes: [UInt8]) {
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            let value = scalar.value
            if value <= 0x20 || value == 0x5C || (0x7F...0x9F).contains(value) {
                append("\\x")
                appendHex(UInt8(value))
            } else {
                append(String(scalar))
            }
        }
    }

    /// A JSON string literal, quotes included: `"` and `\` escaped, control
    /// characters (C0, DEL, C1) as `\u00NN`, bytes that are not UTF-8 as U+FFFD.
    public func append(jsonString bytes: [UInt8]) {
        append(UInt8(ascii: "\""))
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            let value = scalar.value
            if value == 0x22 || value == 0x5C {
                append(UInt8(ascii: "\\"))
                append(UInt8(value))
            } else if value < 0x20 || (0x7F...0x9F).contains(value) {
                append("\\u00")
                appendHex(UInt8(value))
            } else {
                append(String(scalar))
            }
        }
        append(UInt8(ascii: "\""))
    }

    private func appendHex(_ byte: UInt8) {
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { hex in
            append(hex[Int(byte >> 4)])
            append(hex[Int(byte & 0xF)])
        }
    }
}
