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

    /// What `body` writes through a ByteWriter with a small threshold (so that it flushes along the way).
    static func output(_ body: (ByteWriter) throws -> Void) rethrows -> String {
        var collected: [UInt8] = []
        let writer = ByteWriter(threshold: 64) { collected.append(contentsOf: $0) }
        try body(writer)
        try? writer.flush()
        return String(decoding: collected, as: UTF8.self)
    }

    @Test func decimalsOfEveryWidth() {
        for value: UInt64 in [0, 9, 10, 99, 100, 65535, 4_294_967_295, UInt64.max] {
            #expect(Self.output { $0.append(decimal: value) } == String(value))
            #expect(decimalWidth(value) == String(value).count)
        }
    }
}
