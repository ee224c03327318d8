import Testing
@testable import TCPStates

@Suite struct PortRangesTests {
    @Test func parsesPortsRangesAndColonPrefixes() throws {
        let ports = try PortRanges(parsing: "80,443, 8000-8100,:22")
        #expect(ports.ranges == [PortRange(80, 80), PortRange(443, 443), PortRange(8000, 8100), PortRange(22, 22)])
        #expect(ports.contains(8050) && ports.contains(22) && !ports.contains(8101) && !ports.contains(81))
        #expect(try PortRanges(parsing: "0-65535").coversEverything)
        #expect(try !PortRanges(parsing: "1-65535").coversEverything)
    }

    @Test(arguments: [
        ("70000", "out of range"), ("abc", "not a port"), ("90-80", "backwards"), ("", "empty"),
        ("80,", "empty"), ("-5", "not a port"), ("1-2-3", "not a port"), ("+80", "not a port"),
        ("65536", "out of range"), ("99999999999999999999", "not a port"),
    ])
    func rejectsBadPortLists(text: String, reason: String) {
        #expect {
            try PortRanges(parsing: text)
        } throws: { error in
            (error as? FilterError)?.message.contains(reason) == true
        }
    }
}

@Suite struct StateSetTests {
    @Test func acceptsDiagramNamesAndPeerSpellingsInAnyCase() throws {
        let cases: [(String, TCPState)] = [
            ("established", .established), ("ESTAB", .established), ("syn-sent", .synSent),
            ("SYN_RECV", .synReceived), ("syn-rcv", .synReceived), ("SYN_RCVD", .synReceived),
            ("fin_wait1", .finWait1), ("FIN-WAIT-2", .finWait2), ("close-wait", .closeWait),
            ("Closing", .closing), ("last-ack", .lastAck), ("time-wait", .timeWait),
            ("CLOSE", .closed), ("unconn", .closed), ("bound-inactive", .closed), ("listen", .listen),
        ]
        for (word, state) in cases {
            #expect(try StateSet(parsing: word).states == [state], "\(word)")
        }
    }

    @Test func groupsFollowSs() throws {
        let connected = try StateSet(parsing: "connected").states
        #expect(!connected.contains(.listen) && !connected.contains(.closed) && connected.count == 9)
        let synchronized = try StateSet(parsing: "synchronized").states
        #expect(synchronized == connected.filter { $0 != .synSent })
        #expect(try StateSet(parsing: "bucket").states == [.synReceived, .timeWait])
        #expect(try StateSet(parsing: "all").states == TCPState.allCases)
        #expect(try StateSet(parsing: "listen,time-wait").states == [.listen, .timeWait])
    }

    @Test func unknownNameListsTheValidOnes() {
        #expect {
            try StateSet(parsing: "ESTABLISHED,FOO")
        } throws: { error in
            let message = (error as? FilterError)?.message ?? ""
            return message.contains("'FOO'") && TCPState.allCases.allSatisfy { message.contains($0.name) }
        }
    }
}

/// A literal address; a typo in a test is a crash there, not a pass.
func ip(_ text: String) -> IPAddress { IPAddress(parsing: text)! }

@Suite struct AddressPrefixTests {
    @Test func matchesIPv4NetworksIncludingV4MappedAddresses() throws {
        let net = try AddressPrefix(parsing: "127.0.0.0/8")
        #expect(net.contains(ip("127.1.2.3")))
        #expect(!net.contains(ip("128.0.0.1")))
        #expect(net.contains(ip("::ffff:127.0.0.1")))
        #expect(!net.contains(ip("::1")))
        let host = try AddressPrefix(parsing: "10.1.2.3")
        #expect(host.length == 32 && host.contains(ip("10.1.2.3")))
        #expect(!host.contains(ip("10.1.2.4")))
        #expect(try AddressPrefix(parsing: "0.0.0.0/0").contains(ip("8.8.8.8")))
    }

    @Test func matchesIPv6NetworksAcrossTheWordBoundary() throws {
        let net = try AddressPrefix(parsing: "[2001:db8::]/33")
        #expect(net.contains(ip("2001:db8:7fff::1")))
        #expect(!net.contains(ip("2001:db8:8000::1")))
        let deep = try AddressPrefix(parsing: "fe80::1:0/112")
        #expect(deep.contains(ip("fe80::1:ffff")))
        #expect(!deep.contains(ip("fe80::2:0")))
        #expect(try AddressPrefix(parsing: "::1").contains(ip("::1")))
        #expect(try !AddressPrefix(parsing: "::1").contains(ip("127.0.0.1")))
    }

    @Test(arguments: ["10.0.0.0/33", "::/129", "10.0.0.1/", "10.0.0/8", "host", "10.0.0.1/x", "1.2.3.4/-1", ""])
    func rejectsBadAddresses(text: String) {
        #expect(throws: FilterError.self) { try AddressPrefix(parsing: text) }
    }
}
