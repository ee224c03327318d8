import Testing
@testable import TCPStates

@Suite struct InfoColumnsTests {
    @Test func millisecondsAndBitRatesAsSsWritesThem() {
        #expect(ByteWriterTests.output { InfoColumns.appendMilliseconds(micros: 1_234_005, to: $0) } == "1234.005")
        #expect(ByteWriterTests.output { InfoColumns.appendBitRate(bytesPerSecond: 3_925_333_333, to: $0) } == "31.4Gbps")
        #expect(ByteWriterTests.output { InfoColumns.appendBitRate(bytesPerSecond: 100, to: $0) } == "800bps")
        #expect(ByteWriterTests.output { InfoColumns.appendBitRate(bytesPerSecond: .max, to: $0) }.hasSuffix("Gbps"))
    }
}
