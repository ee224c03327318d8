import Foundation
import Testing
@testable import TCPStates

/// The one JSON escaper, and the renderers that write outside text, fed
/// hostile strings: every byte value, and names long enough to outgrow any
/// reservation (issue 14, item 5).
@Suite struct JSONStringTests {
    static let everyByte = ByteWriterTests.everyByte
    static let hostileName = ByteWriterTests.hostileName

    @Test func jsonStringOfEveryByteValueIsValidJSONOfTheSameText() throws {
        for name in [Self.everyByte, Self.hostileName, Array(Self.everyByte.reversed())] {
            let text = ByteWriterTests.output { $0.append(jsonString: name) }
            let decoded = try JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) as? [String]
            #expect(decoded == [String(decoding: name, as: UTF8.self)])
            // Nothing a terminal obeys gets through: no C0, DEL or C1 control, no ESC.
            let scalars = String(decoding: Array(text.utf8), as: UTF8.self).unicodeScalars
            #expect(!scalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        }
    }

    @Test func jsonUsesTheShortEscapesOfRFC8259() {
        let text = ByteWriterTests.output { $0.append(jsonString: Array("\u{8}\u{c}\n\r\t\"\\/\u{1}\u{7F}".utf8)) }
        #expect(text == #""\b\f\n\r\t\"\\/\u0001\u007f""#)
        #expect(ByteWriterTests.output { $0.append(jsonString: "a\u{2028}b\u{202E}") } == #""a\u2028b\u202e""#)
    }

    @Test func tableEscapingOfEveryByteValueLeavesNoControlCharacter() {
        for name in [Self.everyByte, Self.hostileName] {
            let text = ByteWriterTests.output { $0.append(escaping: name) }
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
            #expect(text.utf8.count >= name.count)
        }
    }

    /// The review's case: JSONRenderer reserved a fixed room for an object,
    /// and a long escaped process name in its members wrote past it.
    @Test func jsonListingWithHostileOwnersParses() throws {
        let connections = try Fixture.decodeNetlink("sockdiag-dump.bin")
        let owners = [SocketOwner(pid: 1, command: Self.hostileName, uid: 0, user: String(decoding: Self.everyByte, as: UTF8.self)),
                      SocketOwner(pid: 2, command: Self.everyByte, uid: 1, user: nil)]
        let text = try ByteWriterTests.output { writer in
            var renderer = JSONRenderer(writer: writer)
            renderer.extraMembers = { _, writer in OwnerColumns.appendJSON(owners, to: writer) }
            try renderer.begin(source: .netlink)
            for c in connections { try renderer.add(c) }
            try renderer.finish()
        }
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let rows = try #require(document["connections"] as? [[String: Any]])
        #expect(rows.count == connections.count)
        let process = try #require(rows.first?["process"] as? [[String: Any]])
        #expect(process.first?["command"] as? String == String(decoding: Self.hostileName, as: UTF8.self))
    }

    @Test func columnTableWithHostileNamesKeepsOneLinePerSocket() throws {
        let connections = try Fixture.decodeNetlink("sockdiag-dump.bin")
        let columns = ListingColumn.standard.map { $0.tableColumn(owners: nil) }
            + [TableColumn("PROCESS") { _, w in w.append(escaping: Self.hostileName) }]
        let text = try ByteWriterTests.output { try ColumnTable(columns: columns).render(connections, to: $0) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == connections.count + 1)
        let processStart = try #require(lines.first?.range(of: "PROCESS")).lowerBound.utf16Offset(in: String(lines[0]))
        let escaped = OutsideText.escaped(Self.hostileName)
        for line in lines.dropFirst() { #expect(String(line.utf8.dropFirst(processStart)) == escaped) }
    }
}
