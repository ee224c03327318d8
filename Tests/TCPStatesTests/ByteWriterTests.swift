import Foundation
import Testing
@testable import TCPStates

/// The writer's reservation is only an estimate: a cursor that writes past it
/// must grow the buffer, never write past it (issue 14, item 5).
@Suite struct ByteWriterTests {
    /// Every byte value, then the same again as a run long enough to outgrow any first buffer.
    static let everyByte: [UInt8] = Array(0...255)
    static let hostileName: [UInt8] = Array(repeating: everyByte, count: 1200).flatMap { $0 }

    @Test func aCursorThatOutrunsItsReservationGrowsTheBuffer() {
        var flushed: [UInt8] = []
        let writer = ByteWriter(threshold: 16) { flushed += $0 }
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 300_000)
        writer.write(atMost: 1) { cursor in
            cursor.append(UInt8(ascii: "<"))
            long.withUnsafeBytes { cursor.append($0) }
            cursor.append(decimal: .max)
            cursor.appendSpaces(70_000)
            cursor.append(ipv4: 0xFFFF_FFFF)
            cursor.append(UInt8(ascii: ">"))
        }
        try? writer.flush()
        #expect(flushed.count == 1 + long.count + 20 + 70_000 + 15 + 1)
        #expect(flushed.first == UInt8(ascii: "<") && flushed.last == UInt8(ascii: ">"))
        #expect(String(decoding: flushed[300_001..<300_021], as: UTF8.self) == "\(UInt64.max)")
        #expect(String(decoding: flushed.suffix(16), as: UTF8.self) == "255.255.255.255>")
    }

    @Test func rightAlignedCellsSurviveAGrowthMidCell() {
        let writer = ByteWriter(threshold: .max) { _ in }
        let aligner = TableAligner([.init(header: "N", alignsRight: true, width: 8), .init(header: "TEXT")])
        let text = [UInt8](repeating: UInt8(ascii: "y"), count: 100_000)
        writer.write(atMost: 0) { cursor in
            aligner.cell(0, &cursor) { $0.append(decimal: 42) }
            aligner.cell(1, &cursor) { c in text.withUnsafeBytes { c.append($0) } }
        }
        #expect(writer.bytes.count == 8 + 2 + text.count)
        #expect(String(decoding: writer.bytes.prefix(10), as: UTF8.self) == "      42  ")
    }

    @Test func jsonStringOfEveryByteValueIsValidJSONOfTheSameText() throws {
        for name in [Self.everyByte, Self.hostileName, Array(Self.everyByte.reversed())] {
            let text = RenderTests.output { $0.append(jsonString: name) }
            let decoded = try JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) as? [String]
            #expect(decoded == [String(decoding: name, as: UTF8.self)])
            // Nothing a terminal obeys gets through: no C0, DEL or C1 control, no ESC.
            let scalars = String(decoding: Array(text.utf8), as: UTF8.self).unicodeScalars
            #expect(!scalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        }
    }

    @Test func jsonUsesTheShortEscapesOfRFC8259() {
        let text = RenderTests.output { $0.append(jsonString: Array("\u{8}\u{c}\n\r\t\"\\/\u{1}\u{7F}".utf8)) }
        #expect(text == #""\b\f\n\r\t\"\\/\u0001\u007f""#)
        #expect(RenderTests.output { $0.append(jsonString: "a\u{2028}b\u{202E}") } == #""a\u2028b\u202e""#)
    }

    @Test func tableEscapingOfEveryByteValueLeavesNoControlCharacter() {
        for name in [Self.everyByte, Self.hostileName] {
            let text = RenderTests.output { $0.append(escaping: name) }
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
            #expect(text.utf8.count >= name.count)
        }
    }

    /// The review's case: JSONRenderer reserved a fixed room for an object,
    /// and a long escaped process name in its members wrote past it.
    @Test func jsonListingWithHostileOwnersParses() throws {
        let connections = try RenderTests.sample()
        let owners = [SocketOwner(pid: 1, command: Self.hostileName, uid: 0, user: String(decoding: Self.everyByte, as: UTF8.self)),
                      SocketOwner(pid: 2, command: Self.everyByte, uid: 1, user: nil)]
        let text = try RenderTests.output { writer in
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
        let connections = try RenderTests.sample()
        let columns = StandardColumns.columns(showsProtocol: false)
            + [TableColumn("PROCESS") { _, w in w.append(escaping: Self.hostileName) }]
        let text = try RenderTests.output { try ColumnTable(columns: columns).render(connections, to: $0) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == connections.count + 1)
        let processStart = try #require(lines.first?.range(of: "PROCESS")).lowerBound.utf16Offset(in: String(lines[0]))
        let escaped = OutsideText.escaped(Self.hostileName)
        for line in lines.dropFirst() { #expect(String(line.utf8.dropFirst(processStart)) == escaped) }
    }
}
