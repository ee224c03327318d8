import Foundation
import Testing
@testable import TCPStates

@Suite struct JSONRendererTests {
    static func render(_ connections: [Connection], source: SourceKind = .netlink) throws -> String {
        try ByteWriterTests.output { writer in
            var renderer = JSONRenderer(writer: writer)
            try renderer.begin(source: source)
            for c in connections { try renderer.add(c) }
            try renderer.finish()
        }
    }

    @Test func jsonIsOneDocumentWithTheDocumentedFieldsAndProtocol() throws {
        let connections = try Fixture.decodeNetlink("sockdiag-dump.bin")
            + Fixture.decodeNetlink("sockdiag-udp.bin", transport: .udp)
        try #require(Set(connections.map(\.transport)) == [.tcp, .udp])
        let text = try Self.render(connections)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(document["source"] as? String == "netlink")
        let rows = try #require(document["connections"] as? [[String: Any]])
        #expect(rows.count == connections.count)
        for (row, c) in zip(rows, connections) {
            #expect(row["protocol"] as? String == c.transport.rawValue)
            #expect(row["family"] as? String == c.family.name)
            #expect(row["state"] as? String == c.stateText, "UDP in its own names (UNCONN)")
            #expect(row["kernel_state"] as? Int == Int(c.kernelState))
            let local = try #require(row["local"] as? [String: Any])
            #expect(local["address"] as? String == c.local.address.description)
            #expect(local["port"] as? Int == Int(c.local.port))
            let remote = try #require(row["remote"] as? [String: Any])
            #expect(remote["address"] as? String == c.remote.address.description)
            #expect(remote["port"] as? Int == Int(c.remote.port))
            #expect(row["recv_q"] as? Int == Int(c.recvQueue) && row["send_q"] as? Int == Int(c.sendQueue))
            #expect(row["uid"] as? Int == Int(c.uid) && row["inode"] as? Int == Int(c.inode))
        }
    }

    @Test func emptyJSONListingIsStillADocument() throws {
        let text = try Self.render([], source: .proc)
        let document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(document?["source"] as? String == "proc")
        #expect((document?["connections"] as? [Any])?.isEmpty == true)
    }
}
