/// What a key pressed on the watch screen asks for.
public enum WatchKey: Equatable, Sendable {
    case quit, togglePause, up, down, pageUp, pageDown, top, bottom
    /// Ctrl-Z: stop, as less and top do.
    case suspend

    /// Decodes bytes read from a terminal in raw mode: `q`, Ctrl-C, Ctrl-Z, space,
    /// `j`/`k`/`g`/`G`, and the escape sequences of the arrows, Page Up/Down,
    /// Home and End in their CSI (`ESC [`) and SS3 (`ESC O`) forms. Anything
    /// else, an unfinished sequence included, is skipped.
    public static func decode(_ bytes: [UInt8]) -> [WatchKey] {
        var keys: [WatchKey] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == 0x1B, index < bytes.count, bytes[index] == UInt8(ascii: "[") || bytes[index] == UInt8(ascii: "O") {
                // Parameters up to the final byte (0x40-0x7E): `ESC [ 5 ~`, `ESC [ A`, `ESC O H`.
                var parameters: [UInt8] = []
                index += 1
                while index < bytes.count, !(0x40...0x7E).contains(bytes[index]) {
                    parameters.append(bytes[index])
                    index += 1
                }
                guard index < bytes.count else { break }
                let final = bytes[index]
                index += 1
                if let key = sequenceKey(final: final, parameters: String(decoding: parameters, as: UTF8.self)) {
                    keys.append(key)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x03: keys.append(.quit)  // 0x03: Ctrl-C with ISIG off
            case 0x1A: keys.append(.suspend)  // Ctrl-Z with ISIG off
            case UInt8(ascii: " "): keys.append(.togglePause)
            case UInt8(ascii: "k"): keys.append(.up)
            case UInt8(ascii: "j"): keys.append(.down)
            case UInt8(ascii: "g"): keys.append(.top)
            case UInt8(ascii: "G"): keys.append(.bottom)
            default: break
            }
        }
        return keys
    }

    private static func sequenceKey(final: UInt8, parameters: String) -> WatchKey? {
        switch (final, parameters) {
        case (UInt8(ascii: "A"), _): .up
        case (UInt8(ascii: "B"), _): .down
        case (UInt8(ascii: "H"), _): .top
        case (UInt8(ascii: "F"), _): .bottom
        case (UInt8(ascii: "~"), "5"): .pageUp
        case (UInt8(ascii: "~"), "6"): .pageDown
        case (UInt8(ascii: "~"), "1"), (UInt8(ascii: "~"), "7"): .top
        case (UInt8(ascii: "~"), "4"), (UInt8(ascii: "~"), "8"): .bottom
        default: nil
        }
    }
}
