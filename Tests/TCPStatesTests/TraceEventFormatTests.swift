import Foundation
import Testing
@testable import TCPStates

/// A format file with offsets no kernel writes is refused, and a decoder
/// never reads a field past the end of a record, wherever the format puts it.
@Suite struct TraceEventFormatTests {
    @Test func formatFileGivesTheRecordLayout() throws {
        let format = try TraceEventFormat(parsing: try Fixture.text("trace/format"))
        #expect(format.id == 2287)
        #expect(format.fields["skaddr"] == .init(offset: 8, size: 8))
        #expect(format.fields["saddr_v6"] == .init(offset: 40, size: 16))
        #expect(format.fields["common_pid"] == .init(offset: 4, size: 4))
    }

    /// Found by `make fuzz` (Fuzz/EventFormat.swift): the load at offset -8 trapped.
    @Test func aNegativeOffsetIsRefused() throws {
        let text = try Fixture.text("fuzz/event-format-negative-offset")
        #expect(throws: TraceError.self) { try TraceEventFormat(parsing: text) }
    }

    @Test(arguments: ["offset:99999999999;", "offset:70000;"])
    func anOffsetBeyondAnyPageIsRefused(_ offset: String) throws {
        let text = try Fixture.text("trace/format").replacingOccurrences(of: "offset:8;", with: offset)
        #expect(throws: TraceError.self) { try TraceEventFormat(parsing: text) }
    }

    @Test func aRecordShorterThanAnyFieldIsNotRead() throws {
        // skaddr moved past daddr_v6, the field the decoder used to measure records by.
        let text = try Fixture.text("trace/format").replacingOccurrences(of: "offset:8;\tsize:8;", with: "offset:120;\tsize:8;")
        let decoder = try SocketStateChangeDecoder(format: try TraceEventFormat(parsing: text))
        let record = [UInt8](repeating: 0, count: 72)
        #expect(record.withUnsafeBytes { decoder.decode($0, timestamp: 0) } == nil)
    }
}
