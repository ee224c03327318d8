import Testing
@testable import TCPStates

@Suite struct TableRendererTests {
    static func table(
        _ connections: [Connection], showsHeader: Bool = true, families: Set<AddressFamily> = [.ipv4, .ipv6]
    ) throws -> String {
        try ByteWriterTests.output { writer in
            var renderer = TableRenderer(writer: writer, showsHeader: showsHeader, families: families)
            try renderer.begin(source: .netlink)
            for c in connections { try renderer.add(c) }
            try renderer.finish()
        }
    }

    @Test func tableColumnsAlignAndHeaderIsOptional() throws {
        var connections = try Fixture.decodeNetlink("sockdiag-dump.bin")
        connections.append(Connection(
            kernelState: 42, local: Endpoint(address: .any(.ipv4), port: 1),
            remote: Endpoint(address: .any(.ipv4), port: 2), recvQueue: 1_234_567, sendQueue: 0, uid: 0, inode: 0))
        let text = try Self.table(connections)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == connections.count + 1)
        #expect(lines[0].hasPrefix("STATE"))
        // Every row's LOCAL starts in the header's LOCAL column; no trailing blanks.
        let localColumn = try #require(lines[0].range(of: "LOCAL")).lowerBound.utf16Offset(in: lines[0])
        for (line, c) in zip(lines.dropFirst(), connections) {
            let local = SocketKey.text(c.local)
            #expect(line.utf16.count > localColumn)
            #expect(String(line.dropFirst(localColumn)).hasPrefix(local + " "), "\(line)")
            #expect(line.hasSuffix(SocketKey.text(c.remote)))
            #expect(line.hasPrefix(stateName(kernel: c.kernelState) + " "))
        }
        #expect(lines.last?.hasPrefix("UNKNOWN(42)") == true)
        #expect(lines.last?.contains("1234567") == true)
        let bare = try Self.table(connections, showsHeader: false)
        #expect(bare.split(separator: "\n").count == connections.count)
    }

    // The table holds back only its first rows: past them it streams with
    // fixed widths, and must still line up and lose nothing.

    /// The captured connections repeated past the rows the table measures,
    /// with the widest cells a row can have dropped in along the way.
    static func longListing(families: Set<AddressFamily>) throws -> [Connection] {
        let sample = try Fixture.decodeNetlink("sockdiag-dump.bin").filter { families.contains($0.family) }
        var connections: [Connection] = []
        while connections.count < TableRenderer.measuredRows + 500 {
            connections += sample
        }
        let widestV4 = Endpoint(address: IPAddress(ipv4: 0xFFFF_FFFF), port: 65535)
        connections.insert(Connection(
            kernelState: 255, local: widestV4, remote: widestV4,
            recvQueue: .max, sendQueue: .max, uid: 0, inode: 0), at: TableRenderer.measuredRows + 7)
        if families.contains(.ipv6) {
            let widestV6 = Endpoint(address: IPAddress(ipv6High: .max, low: .max), port: 65535)
            connections.append(Connection(
                kernelState: 1, local: widestV6, remote: widestV6, recvQueue: 0, sendQueue: 0, uid: 0, inode: 0))
        }
        return connections
    }

    @Test(arguments: [Set<AddressFamily>([.ipv4]), [.ipv4, .ipv6]])
    func longTableStreamsEveryRowAligned(families: Set<AddressFamily>) throws {
        let connections = try Self.longListing(families: families)
        let text = try Self.table(connections, families: families)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.count == connections.count + 1)
        let header = lines[0]
        let columns = ["RECV-Q", "SEND-Q"].compactMap { header.range(of: $0)?.upperBound.utf16Offset(in: header) }
        let localStart = try #require(header.range(of: "LOCAL")).lowerBound.utf16Offset(in: header)
        let remoteStart = try #require(header.range(of: "REMOTE")).lowerBound.utf16Offset(in: header)
        #expect(columns.count == 2)
        for (index, (line, c)) in zip(lines.dropFirst(), connections).enumerated() {
            // Every value is there whole, in order, whatever its width.
            let words = line.split(separator: " ").map(String.init)
            #expect(words == [stateName(kernel: c.kernelState), "\(c.recvQueue)", "\(c.sendQueue)",
                              SocketKey.text(c.local), SocketKey.text(c.remote)], "\(line)")
            // Past the sample, a value wider than the streaming bound shifts its own line only.
            if index >= TableRenderer.measuredRows, c.kernelState == 255 { continue }
            let bytes = Array(line.utf8)
            // Queues end under their headers; addresses start under theirs.
            #expect(String(decoding: bytes[..<columns[0]], as: UTF8.self).hasSuffix(" \(c.recvQueue)"), "\(line)")
            #expect(String(decoding: bytes[..<columns[1]], as: UTF8.self).hasSuffix(" \(c.sendQueue)"), "\(line)")
            #expect(String(decoding: bytes[localStart...], as: UTF8.self).hasPrefix(SocketKey.text(c.local) + " "))
            #expect(String(decoding: bytes[remoteStart...], as: UTF8.self) == SocketKey.text(c.remote))
            #expect(line.hasPrefix(stateName(kernel: c.kernelState) + " "))
        }
    }

    /// Issue 15 item 4: an IPv4 listing of any length is as narrow as `ss -tan`
    /// (80 columns), whether or not IPv6 was possible, once measured and once streamed.
    @Test(arguments: [Set<AddressFamily>([.ipv4]), [.ipv4, .ipv6]])
    func allIPv4ListingOf2000RowsFitsEightyColumns(families: Set<AddressFamily>) throws {
        // The widest IPv4 rows a busy host has: every established socket between
        // two 15-character addresses on 5-digit ports, with 7-digit queues.
        let widest = Endpoint(address: IPAddress(ipv4: 0xC0A8_FFFE), port: 65535)  // 192.168.255.254
        let row = Connection(kernelState: KernelTCPState.established, local: widest, remote: widest,
                             recvQueue: 6_291_456, sendQueue: 4_194_304, uid: 0, inode: 0)
        let listing = try Fixture.decodeNetlink("sockdiag-dump.bin").filter { $0.family == .ipv4 } + Array(repeating: row, count: 2000)
        let lines = try Self.table(listing, families: families).split(separator: "\n")
        #expect(lines.count == listing.count + 1)
        #expect(lines.map(\.count).max() ?? 0 <= 80, "\(lines.max { $0.count < $1.count } ?? "")")
    }

    @Test func aSampleWithIPv6StreamsWithRoomForAnyIPv6Address() throws {
        let connections = try Self.longListing(families: [.ipv4, .ipv6])
        let sampled = connections.prefix(TableRenderer.measuredRows)
        try #require(sampled.contains { $0.family == .ipv6 })
        let header = try #require(try Self.table(connections).split(separator: "\n").first)
        let local = try #require(header.range(of: "LOCAL")), remote = try #require(header.range(of: "REMOTE"))
        #expect(header.distance(from: local.lowerBound, to: remote.lowerBound) == 47 + 2)
    }

    @Test func shortTableIsMeasuredNotFixed() throws {
        let sample = try Fixture.decodeNetlink("sockdiag-dump.bin")
        let text = try Self.table(sample)
        let widest = sample.map { SocketKey.text($0.local).utf8.count }.max() ?? 0
        let header = try #require(text.split(separator: "\n").first)
        let localStart = try #require(header.range(of: "LOCAL")).lowerBound
        let remoteStart = try #require(header.range(of: "REMOTE")).lowerBound
        #expect(header.distance(from: localStart, to: remoteStart) == max(5, widest) + 2)
    }

    @Test func emptyTableIsTheHeaderAlone() throws {
        #expect(try Self.table([]) == "STATE  RECV-Q  SEND-Q  LOCAL  REMOTE\n")
        #expect(try Self.table([], showsHeader: false) == "")
    }

    /// Found by `make fuzz` (Fuzz/Renderers.swift): measuring a full-length
    /// IPv6 endpoint ran out of its fixed room when the port reserved 20 bytes.
    @Test func measuresTheLongestIPv6Endpoint() {
        let longest = Endpoint(address: IPAddress(ipv6High: 0x1234_5678_9ABC_DEF0, low: 0x1234_5678_9ABC_DEF0), port: 65535)
        #expect(TableRenderer.length(of: longest) == "[1234:5678:9abc:def0:1234:5678:9abc:def0]:65535".utf8.count)
    }
}
