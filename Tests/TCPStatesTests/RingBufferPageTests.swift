import Testing
@testable import TCPStates

@Suite struct RingBufferPageTests {
    @Test func aTruncatedPageIsAnErrorNotACrash() throws {
        var page = try Fixture.bytes("trace/trace_pipe_raw-cpu1.bin")
        page.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(9000), toByteOffset: 8, as: UInt64.self) }
        #expect(throws: TraceError.self) { try page.withUnsafeBytes { try RingBufferPage.decode($0) { _, _ in } } }
        let short = Array(try Fixture.bytes("trace/trace_pipe_raw-cpu1.bin").prefix(200))
        #expect(throws: TraceError.self) { try short.withUnsafeBytes { try RingBufferPage.decode($0) { _, _ in } } }
    }
}
