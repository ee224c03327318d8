import Testing

extension OwnedSockets {
    @Suite("--udp and --tcp")
    struct UDP {
        /// `ss -uanH` (or another ss listing) as `udp STATE LOCAL REMOTE` keys.
        static func ssKeys(_ peer: OwnerPeer, _ arguments: [String], protocol name: String) throws -> [String] {
            let ss = try peer.run(["ss", "-anH"] + arguments)
            try #require(ss.termination == .exited(0), "\(ss)")
            return try SSListing.parse(ss.stdout).get().map { row in
                let state = row.record.state == "CLOSED" ? "UNCONN" : row.record.state
                return "\(name) \(state) \(row.record.local) \(row.record.remote)"
            }.sorted()
        }

        @Test("--udp lists the UDP server UNCONN and the connected client ESTABLISHED, as ss -uan does",
              arguments: ["netlink", "proc"])
        func udpAgreesWithSS(source: String) throws {
            let peer = try OwnerPeer.shared()
            let listing = try peer.json(["--udp", "--source", source])
            #expect(listing.source == source)
            let keys = listing.connections.map(\.key).sorted()
            #expect(keys == (try Self.ssKeys(peer, ["-u"], protocol: "udp")))
            #expect(keys.contains("udp UNCONN 127.0.0.1:7200 0.0.0.0:0"), "\(keys)")
            #expect(keys.contains { $0.hasPrefix("udp ESTABLISHED 127.0.0.1:") && $0.hasSuffix(" 127.0.0.1:7200") },
                    "\(keys)")
        }

        @Test("--tcp --udp lists both, each with its protocol; --tcp alone is the default")
        func bothProtocols() throws {
            let peer = try OwnerPeer.shared()
            let both = try peer.json(["--tcp", "--udp"]).connections.map(\.key).sorted()
            let tcp = try peer.json([]).connections.map(\.key)
            #expect(Set(tcp.map { $0.prefix(4) }) == ["tcp "])
            #expect(tcp.sorted() == (try peer.json(["-t"])).connections.map(\.key).sorted())
            let ss = (try Self.ssKeys(peer, ["-t"], protocol: "tcp") + (try Self.ssKeys(peer, ["-u"], protocol: "udp")))
            #expect(both == ss.sorted())
        }

        @Test("the table gains a PROTO column only when both protocols are listed")
        func protocolColumn() throws {
            let peer = try OwnerPeer.shared()
            let both = try peer.tcpstates(["-tu"])
            try #require(both.termination == .exited(0), "\(both)")
            let lines = both.stdout.split(separator: "\n")
            #expect(lines.first?.split(separator: " ") == ["PROTO", "STATE", "RECV-Q", "SEND-Q", "LOCAL", "REMOTE"])
            #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("tcp ") || $0.hasPrefix("udp ") }, "\(both)")
            #expect(lines.dropFirst().contains { $0.hasPrefix("udp ") && $0.contains("UNCONN") }, "\(both)")
            let udp = try peer.tcpstates(["-u"])
            #expect(udp.stdout.split(separator: "\n").first?.split(separator: " ") == TextTable.header.map { Substring($0) })
        }

        @Test("port and state filters apply to UDP; -l means UNCONN as in ss -lu")
        func filtersApply() throws {
            let peer = try OwnerPeer.shared()
            let byPort = try peer.json(["-u", "-p", "7200"]).connections
            #expect(byPort.count == 2 && byPort.allSatisfy { $0.protocol == "udp" }, "\(byPort.map(\.key))")
            let unconnected = try peer.json(["-u", "--state", "UNCONN"]).connections.map(\.key)
            #expect(unconnected == ["udp UNCONN 127.0.0.1:7200 0.0.0.0:0"])
            #expect(try peer.json(["-u", "-l"]).connections.map(\.key) == unconnected)
            let established = try peer.json(["-u", "--state", "established"]).connections
            #expect(established.count == 1 && established[0].remote.port == 7200)
            #expect(try peer.json(["-u", "-p", "9"]).connections.isEmpty)
        }
    }
}
