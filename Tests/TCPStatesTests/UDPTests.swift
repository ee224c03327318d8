import Foundation
import Testing
@testable import TCPStates

@Suite struct UDPTests {
    /// `STATE LOCAL REMOTE` with UDP's state names.
    static func keys(_ connections: [Connection]) -> [String] {
        connections.map { "\($0.stateText) \(SocketKey.text($0.local)) \(SocketKey.text($0.remote))" }.sorted()
    }

    @Test func netlinkProcAndSSAgreeOnCapturedUDPSockets() throws {
        let netlink = try Fixture.decodeNetlink("sockdiag-udp.bin", transport: .udp)
        #expect(netlink.allSatisfy { $0.transport == .udp })
        let proc = Fixture.parseProc(try Fixture.text("proc-net-udp.txt"), family: .ipv4)
        #expect(proc.rejected.isEmpty)
        var procUDP = proc.connections
        for index in procUDP.indices { procUDP[index].transport = .udp }
        let ss = try Fixture.text("ss-uanH.txt").split(separator: "\n").map { line -> String in
            let fields = line.split(separator: " ")
            let state = fields[0] == "ESTAB" ? "ESTABLISHED" : String(fields[0])
            return "\(state) \(fields[3]) \(fields[4].replacingOccurrences(of: ":*", with: ":0"))"
        }.sorted()
        #expect(Self.keys(netlink) == ss)
        #expect(Self.keys(procUDP) == ss)
        #expect(Self.keys(netlink).contains("UNCONN 127.0.0.1:7200 0.0.0.0:0"))
    }

    @Test func udpStateNamesAreUnconnAndEstablished() {
        var socket = Connection(kernelState: 7, local: Endpoint(address: .any(.ipv4), port: 53),
                                remote: Endpoint(address: .any(.ipv4), port: 0),
                                recvQueue: 0, sendQueue: 0, uid: 0, inode: 1)
        #expect(socket.stateText == "CLOSED")
        socket.transport = .udp
        #expect(socket.stateText == "UNCONN")
        socket.kernelState = 1
        #expect(socket.stateText == "ESTABLISHED")
    }

    @Test func filterSeparatesProtocolsAndUDPStates() throws {
        let udp = try Fixture.decodeNetlink("sockdiag-udp.bin", transport: .udp)
        let tcp = try Fixture.decodeNetlink("sockdiag-dump.bin")
        var filter = ConnectionFilter()
        #expect(udp.filter(filter.matches).isEmpty)
        #expect(tcp.filter(filter.matches).count == tcp.filter { $0.state != .closed }.count)
        filter.transports = [.udp]
        #expect(udp.filter(filter.matches).count == udp.count)
        #expect(tcp.filter(filter.matches).isEmpty)
        filter.udpStates = StateSet([.closed])
        #expect(udp.filter(filter.matches).map(\.stateText) == ["UNCONN"])
        #expect(filter.udpKernelStateMask == 1 << 7)
    }

    @Test func requestAsksForTheProtocolAndExtensions() {
        let bytes = InetDiagRequest.dump(family: .ipv6, stateMask: 0x82, bytecode: nil, sequence: 9,
                                         transport: .udp, extensions: [.info, .congestion])
        // inet_diag_req_v2 follows the 16-byte nlmsghdr: family, protocol, ext, pad, states.
        #expect(Array(bytes[16..<19]) == [10, 17, 0x0A])
        #expect(bytes[20..<24].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } == 0x82)
    }

    @Test func columnTableShowsProtocolAndAligns() throws {
        let connections = try Fixture.decodeNetlink("sockdiag-dump.bin").prefix(3)
            + Fixture.decodeNetlink("sockdiag-udp.bin", transport: .udp)
        let text = RenderTests.output { writer in
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

    @Test func jsonCarriesTheProtocolOnEveryConnection() throws {
        let connections = try Fixture.decodeNetlink("sockdiag-dump.bin")
            + Fixture.decodeNetlink("sockdiag-udp.bin", transport: .udp)
        let text = RenderTests.output { writer in
            var renderer = JSONRenderer(writer: writer)
            try? renderer.begin(source: .netlink)
            for c in connections { try? renderer.add(c) }
            try? renderer.finish()
        }
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let rows = try #require(document["connections"] as? [[String: Any]])
        #expect(rows.map { $0["protocol"] as? String } == connections.map(\.transport.rawValue))
        #expect(rows.map { $0["state"] as? String } == connections.map(\.stateText))
    }
}
