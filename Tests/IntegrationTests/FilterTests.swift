import Testing

/// One filter invocation and the rule that picks its expected sockets out of
/// the peer's ground truth.
struct FilterCase: Sendable, CustomTestStringConvertible {
    let arguments: [String]
    /// Whether CLOSED sockets are candidates (otherwise they never show).
    let listsClosed: Bool
    let selects: @Sendable (SocketRecord) -> Bool

    init(_ arguments: String..., listsClosed: Bool = false, selects: @escaping @Sendable (SocketRecord) -> Bool) {
        self.arguments = arguments
        self.listsClosed = listsClosed
        self.selects = selects
    }

    var testDescription: String { arguments.joined(separator: " ") }

    func expected(from truth: [SocketRecord]) -> [SocketRecord] {
        truth.filter { (listsClosed || $0.state != "CLOSED") && selects($0) }
    }
}

private func eitherPort(_ ports: ClosedRange<Int>) -> @Sendable (SocketRecord) -> Bool {
    { ports.contains($0.local.port) || ports.contains($0.remote.port) }
}

private func inState(_ states: String...) -> @Sendable (SocketRecord) -> Bool {
    { states.contains($0.state) }
}

/// ss's groups (ss(8)): connected is every state but LISTEN and CLOSED;
/// synchronized is connected without SYN_SENT.
private let connected: @Sendable (SocketRecord) -> Bool = { !["LISTEN", "CLOSED"].contains($0.state) }
private let synchronized: @Sendable (SocketRecord) -> Bool = { connected($0) && $0.state != "SYN_SENT" }

extension RealSockets {
    @Suite("Filters select exactly the matching sockets")
    struct Filters {
        static let cases: [FilterCase] = [
            // Ports: --port matches either side; lists and ranges.
            FilterCase("--port", "7000", selects: eitherPort(7000...7000)),
            FilterCase("-p", "7050", selects: eitherPort(7050...7050)),
            FilterCase("--port", "7030-7050", selects: eitherPort(7030...7050)),
            FilterCase("--port", "7010,7090", selects: { eitherPort(7010...7010)($0) || eitherPort(7090...7090)($0) }),
            FilterCase("--port", "9999", selects: { _ in false }),
            FilterCase("--local-port", "7000", selects: { $0.local.port == 7000 }),
            FilterCase("--sport", "7040", selects: { $0.local.port == 7040 }),
            FilterCase("--remote-port", "7000", selects: { $0.remote.port == 7000 }),
            FilterCase("--dport", "40000-40002", selects: { (40000...40002).contains($0.remote.port) }),
            // States: diagram names in any case, ss and netstat spellings, lists, groups.
            FilterCase("--state", "LISTEN", selects: inState("LISTEN")),
            FilterCase("--state", "established", selects: inState("ESTABLISHED")),
            FilterCase("-s", "ESTAB", selects: inState("ESTABLISHED")),
            FilterCase("--state", "SYN_RCVD", selects: inState("SYN_RCVD")),
            FilterCase("--state", "syn-recv", selects: inState("SYN_RCVD")),
            FilterCase("--state", "SYN-SENT", selects: inState("SYN_SENT")),
            FilterCase("--state", "FIN_WAIT1", selects: inState("FIN_WAIT_1")),
            FilterCase("--state", "fin-wait-2,close-wait", selects: inState("FIN_WAIT_2", "CLOSE_WAIT")),
            FilterCase("--state", "time-wait", selects: inState("TIME_WAIT")),
            FilterCase("--state", "LAST_ACK,closing", selects: inState("LAST_ACK", "CLOSING")),
            FilterCase("--state", "connected", selects: connected),
            FilterCase("--state", "synchronized", selects: synchronized),
            FilterCase("--all", "--state", "close", listsClosed: true, selects: inState("CLOSED")),
            FilterCase("--state", "CLOSED", listsClosed: true, selects: inState("CLOSED")),
            FilterCase("-l", selects: inState("LISTEN")),
            FilterCase("--listening", selects: inState("LISTEN")),
            // Families: a v4-mapped socket is an IPv6 socket.
            FilterCase("-4", selects: { $0.family == "ipv4" }),
            FilterCase("-6", selects: { $0.family == "ipv6" }),
            FilterCase("--all", "-6", listsClosed: true, selects: { $0.family == "ipv6" }),
            FilterCase("-a", "--port", "7080", listsClosed: true, selects: eitherPort(7080...7080)),
            // Addresses: an IPv4 prefix also matches v4-mapped addresses, as in ss.
            FilterCase("--local", "127.0.0.1", selects: { AddressMatch.address($0.local.address, isIn: "127.0.0.1") }),
            FilterCase("--local", "::1/128", selects: { AddressMatch.address($0.local.address, isIn: "::1/128") }),
            FilterCase("--remote", "::1", selects: { AddressMatch.address($0.remote.address, isIn: "::1") }),
            FilterCase("--remote", "127.0.0.1/32",
                       selects: { AddressMatch.address($0.remote.address, isIn: "127.0.0.1/32") }),
            FilterCase("--addr", "127.0.0.0/8", selects: {
                AddressMatch.address($0.local.address, isIn: "127.0.0.0/8")
                    || AddressMatch.address($0.remote.address, isIn: "127.0.0.0/8")
            }),
            // Different kinds of filter combine with AND.
            FilterCase("--port", "7000", "-6", selects: { eitherPort(7000...7000)($0) && $0.family == "ipv6" }),
            FilterCase("--state", "established", "--port", "7000",
                       selects: { $0.state == "ESTABLISHED" && eitherPort(7000...7000)($0) }),
            FilterCase("-l", "-4", selects: { $0.state == "LISTEN" && $0.family == "ipv4" }),
            FilterCase("--state", "fin-wait-1", "--local-port", "7070",
                       selects: { $0.state == "FIN_WAIT_1" && $0.local.port == 7070 }),
            FilterCase("--sport", "7000", "--dport", "40000-40001",
                       selects: { $0.local.port == 7000 && (40000...40001).contains($0.remote.port) }),
            FilterCase("--remote", "127.0.0.1", "--dport", "7000", "--state", "estab", selects: {
                AddressMatch.address($0.remote.address, isIn: "127.0.0.1") && $0.remote.port == 7000
                    && $0.state == "ESTABLISHED"
            }),
            FilterCase("--local", "127.0.0.0/8", "--remote-port", "7020-7060", "-s", "synchronized", selects: {
                AddressMatch.address($0.local.address, isIn: "127.0.0.0/8")
                    && (7020...7060).contains($0.remote.port) && synchronized($0)
            }),
        ]

        @Test("a filter lists exactly the ground truth sockets it selects", arguments: cases)
        func filterSelectsExactly(_ filter: FilterCase) throws {
            let namespace = try PeerNamespace.shared()
            let expected = filter.expected(from: namespace.truth)
            // A case that selects everything or (but one) nothing proves nothing.
            #expect(expected.count < namespace.truth.count)
            #expect(!expected.isEmpty || filter.arguments == ["--port", "9999"])
            let listing = try namespace.json(filter.arguments)
            #expect(sortedLines(listing.records) == sortedLines(expected))
        }

        @Test("the ss groups mean what ss means by them")
        func groupsAgreeWithSS() throws {
            let namespace = try PeerNamespace.shared()
            for (group, selects) in [("connected", connected), ("synchronized", synchronized)] {
                let ss = try namespace.run(["ss", "-tanH", "state", group])
                try #require(ss.termination == .exited(0), "\(ss)")
                let rows = try SSListing.parse(ss.stdout).get()
                #expect(sortedLines(rows.map(\.record)) == sortedLines(namespace.openTruth.filter(selects)),
                        "ss state \(group)")
            }
        }
    }
}
