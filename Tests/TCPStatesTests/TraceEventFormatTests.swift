import Testing
@testable import TCPStates

@Suite struct TraceEventFormatTests {
    @Test func formatFileGivesTheRecordLayout() throws {
        let format = try TraceEventFormat(parsing: try Fixture.text("trace/format"))
        #expect(format.id == 2287)
        #expect(format.fields["skaddr"] == .init(offset: 8, size: 8))
        #expect(format.fields["saddr_v6"] == .init(offset: 40, size: 16))
        #expect(format.fields["common_pid"] == .init(offset: 4, size: 4))
    }
}
