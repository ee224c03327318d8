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

    @Test func v4MappedAndAnyAddressesAreDecodedAsIPv6() throws {
        let decoded = try Fixture.decodeNetlink("sockdiag-dump.bin")
        let mapped = decoded.filter { $0.family == .ipv6 && $0.local.address.ipv4Mapped != nil }
        #expect(!mapped.isEmpty)
        for c in mapped { #expect(c.local.address.description == "::ffff:127.0.0.1") }
        let listenerOnAny = try #require(decoded.first { $0.state == .listen && $0.local.address == .any(.ipv6) })
        #expect(listenerOnAny.remote == Endpoint(address: .any(.ipv6), port: 0))
    }
}

@Suite struct ProcNetTCPParserTests {
    static let realLine = "   1: 0100007F:1B58 0100007F:D2E4 01 00000000:000003E8 00:00000000 00000000     0        0 12755 1 000000005627e54f 20 4 32 10 -1"

    @Test func parsesAnIPv4LineInHostWordOrder() throws {
        let c = try #require(Fixture.parseProc(Self.realLine, family: .ipv4).connections.first)
        #expect(SocketKey(c) == SocketKey(state: "ESTABLISHED", local: "127.0.0.1:7000", remote: "127.0.0.1:53988"))
        #expect(c.recvQueue == 1000 && c.sendQueue == 0 && c.inode == 12755 && c.uid == 0)
    }

    @Test func skipsTheHeader() {
        let parsed = Fixture.parseProc("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode", family: .ipv4)
        #expect(parsed.connections.isEmpty && parsed.rejected.isEmpty)
    }

    @Test(arguments: [
        "garbage",
        "   1: 0100007F:1B58",
        "   1: 0100007G:1B58 0100007F:D2E4 01 00000000:000003E8 00:00000000 00000000     0        0 12755",
        "   1: 0100007F:1B58 0100007F:D2E4 1 00000000:000003E8 00:00000000 00000000     0        0 12755",
        "   1: 0100007F 0100007F:D2E4 01 00000000:000003E8 00:00000000 00000000     0        0 12755",
        "   1: 0100007F:1B58 0100007F:D2E4 01 00000000000003E8 00:00000000 00000000     0        0 12755",
        "   1: 0100007F:1B58 0100007F:D2E4 01 00000000:000003E8 00:00000000 00000000     x        0 12755",
        "   1 0100007F:1B58 0100007F:D2E4 01 00000000:000003E8 00:00000000 00000000     0        0 12755",
    ])
    func rejectsMalformedLines(line: String) {
        #expect(Fixture.parseProc(line, family: .ipv4).rejected == [1])
    }

    @Test func anIPv4LineIsMalformedAsIPv6() {
        #expect(Fixture.parseProc(Self.realLine, family: .ipv6).rejected == [1])
    }
}
