import Testing
@testable import TCPStates

@Suite struct ColumnTableTests {
    @Test func columnTableShowsProtocolAndAligns() throws {
        let connections = try Fixture.decodeNetlink("sockdiag-dump.bin").prefix(3)
            + Fixture.decodeNetlink("sockdiag-udp.bin", transport: .udp)
        let text = ByteWriterTests.output { writer in
            try? ColumnTable(columns: ([ListingColumn.transport] + ListingColumn.standard).map { $0.tableColumn(owners: nil) }).render(Array(connections), to: writer)
        }
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == connections.count + 1)
        #expect(lines[0].split(separator: " ") == ["PROTO", "STATE", "RECV-Q", "SEND-Q", "LOCAL", "REMOTE"])
        let remoteColumn = try #require(lines[0].range(of: "REMOTE")).lowerBound.utf16Offset(in: lines[0])
        for (line, c) in zip(lines.dropFirst(), connections) {
            #expect(line.hasPrefix(c.transport.rawValue + "  "), "\(line)")
            #expect(String(line.dropFirst(remoteColumn)) == SocketKey.text(c.remote), "\(line)")
            #expect(!line.hasSuffix(" "))
        }
    }
}
