import Foundation
import Testing
@testable import TCPStates

@Suite struct RenderTests {
    static func sample() throws -> [Connection] {
        try Fixture.decodeNetlink("sockdiag-dump.bin")
    }

    static func output(_ body: (ByteWriter) throws -> Void) rethrows -> String {
        var collected: [UInt8] = []
        let writer = ByteWriter(threshold: 64) { collected.append(contentsOf: $0) }
        try body(writer)
        try? writer.flush()
        return String(decoding: collected, as: UTF8.self)
    }

    static func table(
        _ connections: [Connection], showsHeader: Bool = true, families: Set<AddressFamily> = [.ipv4, .ipv6]
    ) throws -> String {
        try output { writer in
            var renderer = TableRenderer(writer: writer, showsHeader: showsHeader, families: families)
            try renderer.begin(source: .netlink)
            for c in connections { try renderer.add(c) }
            try renderer.finish()
        }
    }

    @Test func tableColumnsAlignAndHeaderIsOptional() throws {
        var connections = try Self.sample()
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

    @Test func jsonIsOneDocumentWithTheDocumentedFields() throws {
        let connections = try Self.sample()
        let text = try Self.output { writer in
            var renderer = JSONRenderer(writer: writer)
            try renderer.begin(source: .netlink)
            for c in connections { try renderer.add(c) }
            try renderer.finish()
        }
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(document["source"] as? String == "netlink")
        let rows = try #require(document["connections"] as? [[String: Any]])
        #expect(rows.count == connections.count)
        for (row, c) in zip(rows, connections) {
            #expect(row["family"] as? String == c.family.name)
            #expect(row["state"] as? String == stateName(kernel: c.kernelState))
            #expect(row["kernel_state"] as? Int == Int(c.kernelState))
            let local = try #require(row["local"] as? [String: Any])
            #expect(local["address"] as? String == c.local.address.description)
            #expect(local["port"] as? Int == Int(c.local.port))
            let remote = try #require(row["remote"] as? [String: Any])
            #expect(remote["port"] as? Int == Int(c.remote.port))
            #expect(row["recv_q"] as? Int == Int(c.recvQueue) && row["send_q"] as? Int == Int(c.sendQueue))
            #expect(row["uid"] as? Int == Int(c.uid) && row["inode"] as? Int == Int(c.inode))
        }
    }

    @Test func emptyJSONListingIsStillADocument() throws {
        let text = try Self.output { writer in
            var renderer = JSONRenderer(writer: writer)
            try renderer.begin(source: .proc)
            try renderer.finish()
        }
        let document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect((document?["connections"] as? [Any])?.isEmpty == true)
    }

    @Test func addressesPrintAsInetNtopDoes() throws {
        for text in ["0.0.0.0", "127.0.0.1", "255.255.255.255", "::", "::1", "::ffff:127.0.0.1", "fe80::1:2", "2001:db8::8:800:200c:417a"] {
            #expect(ip(text).description == text)
        }
        #expect(SocketKey.text(Endpoint(address: ip("::1"), port: 7000)) == "[::1]:7000")
    }

    @Test func decimalsOfEveryWidth() {
        for value: UInt64 in [0, 9, 10, 99, 100, 65535, 4_294_967_295, UInt64.max] {
            #expect(Self.output { $0.append(decimal: value) } == String(value))
            #expect(decimalWidth(value) == String(value).count)
        }
    }

    @Test func sortByStateFollowsDiagramOrder() throws {
        var connections = try Self.sample()
        ConnectionOrder.state.sort(&connections)
        let ranks = connections.map(\.stateRank)
        #expect(ranks == ranks.sorted())
        ConnectionOrder.port.sort(&connections)
        #expect(connections.map(\.local.port) == connections.map(\.local.port).sorted())
    }
}

@Suite struct ProcNetFileTests {
    @Test func readsLinesAcrossChunkBoundariesAndReportsBadOnes() throws {
        // Real lines, repeated past the reader's 256 KiB chunk, the last without a newline.
        let lines = try Fixture.text("proc-net-tcp.txt").split(separator: "\n")
        var text = String(lines[0]) + "\n"
        let rows = lines.dropFirst()
        for i in 0..<3000 {
            text += rows[rows.startIndex + i % rows.count] + "\n"
            if i == 1500 { text += "   9: this line is broken\n" }
        }
        text += String(rows.first!)
        let path = NSTemporaryDirectory() + "tcpstates-procfile-\(getpid())"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        var count = 0
        var bad: [ProcNetFile.Malformed] = []
        try ProcNetFile.read(path: path, family: .ipv4, malformed: { bad.append($0) }) { _ in count += 1 }
        #expect(count == 3001)
        #expect(bad.map(\.line) == [1503])
    }

    @Test func missingFileIsASourceError() {
        #expect(throws: SourceError.self) {
            try ProcNetFile.read(path: "/nonexistent/tcp", family: .ipv4, malformed: { _ in }) { _ in }
        }
    }
}
