import Foundation
import Testing
@testable import TCPStates

@Suite struct OutsideTextTests {
    static func table(_ bytes: [UInt8]) -> String { ByteWriterTests.output { $0.append(escaping: bytes) } }
    static func json(_ bytes: [UInt8]) -> String { ByteWriterTests.output { $0.append(jsonString: bytes) } }

    @Test func tableEscapingShowsControlsAndBadBytesAsEscapes() {
        #expect(Self.table(Array("\u{1b}[2Jevil\nname".utf8)) == #"\x1b[2Jevil\nname"#)
        #expect(Self.table(Array("sshd".utf8)) == "sshd")
        #expect(Self.table([0x61, 0x5C, 0x09, 0x7F, 0x00]) == #"a\\\t\x7f\x00"#)
        #expect(Self.table(Array("café".utf8)) == "café")
        #expect(Self.table([0xC2, 0x9B, 0x32, 0x4A]) == #"\xc2\x9b2J"#, "C1 CSI is a terminal control too")
        #expect(Self.table([0x66, 0xFF, 0x1B]) == #"f\xff\x1b"#, "not UTF-8: every high byte escaped")
        #expect(Self.table(Array("a\u{202E}b".utf8)) == #"a\u{202e}b"#, "bidi override shown, not obeyed")
    }

    @Test func jsonEscapingFollowsRFC8259() throws {
        let name: [UInt8] = Array("\u{1b}[2J\"evil\"\\\nname".utf8)
        let text = Self.json(name)
        #expect(text == #""\u001b[2J\"evil\"\\\nname""#)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) as? [String]
        #expect(decoded == [String(decoding: name, as: UTF8.self)])
        #expect(Self.json([0x66, 0xFF]) == "\"f\u{FFFD}\"", "JSON must be UTF-8: a bad byte becomes U+FFFD")
    }
}
