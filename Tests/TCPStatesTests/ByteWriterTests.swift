import Foundation
import Testing
@testable import TCPStates

@Suite struct ByteWriterTests {
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
