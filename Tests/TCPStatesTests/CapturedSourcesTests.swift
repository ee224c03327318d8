import Foundation
import Testing
@testable import TCPStates

/// The netlink decoder, the /proc parser and ss read the same captured sockets alike.
@Suite struct CapturedSourcesTests {
    /// ss's state words and endpoints, turned into ours.
    static func ssKeys(_ file: String = "ss-tanH.txt") throws -> Set<SocketKey> {
        let names = [
            "ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RCVD", "FIN-WAIT-1": "FIN_WAIT_1",
            "FIN-WAIT-2": "FIN_WAIT_2", "TIME-WAIT": "TIME_WAIT", "CLOSE-WAIT": "CLOSE_WAIT",
            "LAST-ACK": "LAST_ACK", "LISTEN": "LISTEN", "CLOSING": "CLOSING", "UNCONN": "CLOSED",
        ]
        func endpoint(_ text: Substring, localHint: Substring) -> String {
            // ss writes an unspecified address as `*` and port 0 as `*`.
            var text = String(text)
            if text.hasSuffix(":*") { text = String(text.dropLast()) + "0" }
            if text.hasPrefix("*:") {
                text = (localHint.hasPrefix("[") || localHint.hasPrefix("*") ? "[::]" : "0.0.0.0") + text.dropFirst()
            }
            return text
        }
        var keys: Set<SocketKey> = []
        for line in try Fixture.text(file).split(separator: "\n") {
            let f = line.split(separator: " ")
            let local = endpoint(f[3], localHint: f[3])
            keys.insert(SocketKey(state: names[String(f[0])] ?? "?", local: local, remote: endpoint(f[4], localHint: f[3])))
        }
        return keys
    }

    @Test func netlinkCaptureDecodesToTheSocketsSsSaw() throws {
        let decoded = try Fixture.decodeNetlink("sockdiag-dump.bin")
        let keys = Set(decoded.map(SocketKey.init))
        #expect(keys.count == decoded.count, "no socket twice")
        // ss 6.1 does not ask for bound-inactive sockets; everything else it saw, we saw.
        #expect(keys.filter { $0.state != "CLOSED" } == (try Self.ssKeys()))
        #expect(keys.contains { $0.state == "CLOSED" }, "the capture asked for bound-inactive sockets")
    }

    /// The one-walk TCPDIAG_GETSOCK dump answers in messages of its own type, both families mixed.
    @Test func bothFamilyCaptureDecodesToTheSocketsSsSaw() throws {
        let name = "sockdiag-dump-both-families.bin"
        let raw = try Fixture.bytes(name)
        #expect(raw.count > 6 && UInt16(raw[4]) | UInt16(raw[5]) << 8 == 18, "the capture is a TCPDIAG_GETSOCK reply")
        let decoded = try Fixture.decodeNetlink(name)
        let keys = Set(decoded.map(SocketKey.init))
        #expect(keys.count == decoded.count, "no socket twice")
        #expect(Set(decoded.map(\.family)) == [.ipv4, .ipv6])
        #expect(keys.filter { $0.state != "CLOSED" } == (try Self.ssKeys("ss-tanH-both-families.txt")))
    }

    @Test func procCaptureParsesToTheSocketsSsSaw() throws {
        let v4 = Fixture.parseProc(try Fixture.text("proc-net-tcp.txt"), family: .ipv4)
        let v6 = Fixture.parseProc(try Fixture.text("proc-net-tcp6.txt"), family: .ipv6)
        #expect(v4.rejected.isEmpty && v6.rejected.isEmpty)
        #expect(Set((v4.connections + v6.connections).map(SocketKey.init)) == (try Self.ssKeys()))
    }

    @Test func netlinkAndProcAgreeOnQueuesUidAndInode() throws {
        let netlink = try Fixture.decodeNetlink("sockdiag-dump.bin")
        let proc = Fixture.parseProc(try Fixture.text("proc-net-tcp.txt"), family: .ipv4).connections
            + Fixture.parseProc(try Fixture.text("proc-net-tcp6.txt"), family: .ipv6).connections
        #expect(!proc.isEmpty)
        for p in proc {
            let n = try #require(netlink.first { $0.local == p.local && $0.remote == p.remote })
            #expect(n.kernelState == p.kernelState)
            #expect(n.recvQueue == p.recvQueue, "\(SocketKey(p))")
            #expect(n.inode == p.inode && n.uid == p.uid, "\(SocketKey(p))")
            // A listener's send queue is its backlog in netlink, 0 in /proc.
            if p.state != .listen { #expect(n.sendQueue == p.sendQueue) }
        }
    }

    /// `STATE LOCAL REMOTE` with UDP's state names.
    static func udpKeys(_ connections: [Connection]) -> [String] {
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
        #expect(Self.udpKeys(netlink) == ss)
        #expect(Self.udpKeys(procUDP) == ss)
        #expect(Self.udpKeys(netlink).contains("UNCONN 127.0.0.1:7200 0.0.0.0:0"))
    }

    @Test func v4MappedAndAnyAddressesAreDecodedAsIPv6() throws {
        let decoded = try Fixture.decodeNetlink("sockdiag-dump.bin")
        let mapped = decoded.filter { $0.family == .ipv6 && $0.local.address.ipv4Mapped != nil }
        #expect(!mapped.isEmpty)
        for c in mapped { #expect(c.local.address.description == "::ffff:127.0.0.1") }
        let listenerOnAny = try #require(decoded.first { $0.state == .listen && $0.local.address == .any(.ipv6) })
        #expect(listenerOnAny.remote == Endpoint(address: .any(.ipv6), port: 0))
    }
}
