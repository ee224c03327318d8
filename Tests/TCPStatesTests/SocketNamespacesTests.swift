import Testing
@testable import TCPStates

/// Each arrow names the namespace where its socket's endpoints stand, found
/// with sock_diag lookups in every namespace; unknown when none or several
/// have them. (No task namespace is known here: SocketNamespaceHintsTests has those.)
@Suite struct SocketNamespacesTests {
    static func changes() throws -> [SocketStateChange] { try TraceDecodingTests.decodedCapture() }

    /// The captured IPv4 connection: client 127.0.0.1:60810 -> 127.0.0.1:9123.
    static func ipv4Client() throws -> (local: Endpoint, remote: Endpoint) {
        let change = try #require(try changes().first { $0.oldState == KernelTCPState.finWait2 && $0.family == .ipv4 })
        return (change.local, change.remote)
    }

    static func tracer(_ locator: FakeLocator) throws -> TransitionTracer {
        try TransitionTracerTests.tracer([[try TransitionTracerTests.page()]], locator: locator)
    }

    @Test func withOneNamespaceEveryArrowNamesItWithoutALookup() throws {
        let locator = FakeLocator(only: FakeLocator.host)
        let step = try Self.tracer(locator).step(now: 0)
        #expect(!step.transitions.isEmpty)
        #expect(step.transitions.allSatisfy { $0.netns?.inode == FakeLocator.host })
        #expect(locator.lookups == 2, "only the two clients' TIME_WAIT lookups, each in the one namespace")
    }

    @Test func arrowsNameTheNamespaceWhereTheirEndpointsStand() throws {
        let locator = FakeLocator()
        let client = try Self.ipv4Client()
        // After the capture: the client in TIME_WAIT in "web"; its server socket and listener are gone.
        locator.place(client.local, client.remote, in: FakeLocator.container, state: KernelTCPState.timeWait)
        let step = try Self.tracer(locator).step(now: 0)
        let ipv4 = step.transitions.filter { $0.family == .ipv4 && $0.remote.port != 0 }
        #expect(ipv4.count == 10, "5 arrows of the client, 5 of the server")
        #expect(ipv4.allSatisfy { $0.netns == NetnsIdentity(inode: FakeLocator.container, name: "web") },
                "the server's arrows through its loopback peer: \(ipv4.filter { $0.netns == nil })")
        let timeWait = try #require(ipv4.first { $0.previousState == KernelTCPState.finWait2 })
        #expect(timeWait.state == KernelTCPState.timeWait && timeWait.stateSeenThroughSockDiag)
        // The listener (remote 0.0.0.0:0) and the IPv6 sockets stand nowhere now: unknown, not guessed.
        let elsewhere = step.transitions.filter { $0.family == .ipv6 || $0.remote.port == 0 }
        #expect(!elsewhere.isEmpty && elsewhere.allSatisfy { $0.netns == nil })
        #expect(!step.transitions.contains { $0.family == .ipv6 && $0.state == KernelTCPState.timeWait })
    }

    @Test func endpointsInTwoNamespacesLeaveTheArrowUnknown() throws {
        let locator = FakeLocator()
        let client = try Self.ipv4Client()
        locator.place(client.local, client.remote, in: FakeLocator.host, state: KernelTCPState.timeWait)
        locator.place(client.local, client.remote, in: FakeLocator.container, state: KernelTCPState.timeWait)
        let step = try Self.tracer(locator).step(now: 0)
        let ipv4 = step.transitions.filter { $0.family == .ipv4 && $0.remote.port != 0 }
        #expect(ipv4.allSatisfy { $0.netns == nil })
        let close = try #require(ipv4.first { $0.previousState == KernelTCPState.finWait2 })
        #expect(close.state == KernelTCPState.close && !close.stateSeenThroughSockDiag, "shown as the kernel said")
    }

    @Test func aSocketFoundOnceKeepsItsNamespaceAcrossSteps() throws {
        let locator = FakeLocator()
        let client = try Self.ipv4Client()
        locator.place(client.local, client.remote, in: FakeLocator.container, state: KernelTCPState.established)
        var namespaces = SocketNamespaces(locator: locator)
        let all = try Self.changes().filter { $0.local == client.local || $0.local.port == 0 && $0.remote == client.remote }
        let handshake = Array(all.prefix(2))  // CLOSED -> SYN_SENT -> ESTABLISHED
        #expect(namespaces.resolve(handshake) == [FakeLocator.container, FakeLocator.container])
        let asked = locator.lookups
        namespaces.endStep()
        locator.sockets = [:]  // gone from sock_diag: the namespace found before still holds
        let rest = Array(all.dropFirst(2))
        #expect(namespaces.resolve(rest) == rest.map { _ in FakeLocator.container })
        #expect(locator.lookups == asked, "no lookup for a socket already placed")
    }

    @Test func anAddressReusedAfterCloseIsANewSocket() throws {
        let locator = FakeLocator()
        let client = try Self.ipv4Client()
        locator.place(client.local, client.remote, in: FakeLocator.container, state: KernelTCPState.established)
        let all = try Self.changes().filter { $0.local == client.local }
        let closed = try #require(all.last)
        #expect(closed.newState == KernelTCPState.close)
        // The kernel reuses the freed object for a socket of another connection, in the same step.
        var reused = closed
        reused.oldState = KernelTCPState.close
        reused.newState = KernelTCPState.listen
        reused.local = TraceRenderingTests.endpoint("127.0.0.1", 9999)
        reused.remote = TraceRenderingTests.endpoint("0.0.0.0", 0)
        reused.timestamp += 1
        locator.place(reused.local, reused.remote, in: FakeLocator.host, state: KernelTCPState.listen)
        var namespaces = SocketNamespaces(locator: locator)
        #expect(namespaces.resolve(all + [reused]) == all.map { _ in FakeLocator.container } + [FakeLocator.host])
    }

    @Test func aLoopbackPeerIsNamedWithItsClientsLookup() throws {
        let locator = FakeLocator()
        let client = try Self.ipv4Client()
        locator.place(client.local, client.remote, in: FakeLocator.container, state: KernelTCPState.timeWait)
        let connection = try Self.changes().filter {
            $0.family == .ipv4 && ($0.local == client.local || $0.remote == client.local || $0.local.port == 0)
        }
        var namespaces = SocketNamespaces(locator: locator)
        #expect(namespaces.resolve(connection) == connection.map { _ in FakeLocator.container })
        #expect(locator.asked == [nil], "one search of both namespaces, for the socket that closed into TIME_WAIT")
    }

    @Test func aStepsLookupsAreBoundedAndTimewaitClosesGoFirst() throws {
        let locator = FakeLocator()
        let changes = try Self.changes()
        for close in changes where close.oldState == KernelTCPState.finWait2 {
            locator.place(close.local, close.remote, in: FakeLocator.container, state: KernelTCPState.timeWait)
        }
        // Room for one search of both namespaces: the IPv4 client's, which closes first into TIME_WAIT.
        var namespaces = SocketNamespaces(locator: locator, lookupBudget: 2)
        let netns = namespaces.resolve(changes)
        #expect(locator.asked == [nil])
        let named = zip(changes, netns).filter { $0.1 != nil }.map(\.0)
        #expect(!named.isEmpty && named.allSatisfy { $0.family == .ipv4 && $0.remote.port != 0 })
        #expect(zip(changes, netns).allSatisfy { $0.1 == nil || $0.1 == FakeLocator.container })
    }

    @Test(arguments: [("127.0.0.1", true), ("127.255.0.9", true), ("::1", true), ("::ffff:127.0.0.1", true),
                      ("10.0.0.1", false), ("::2", false), ("::ffff:10.0.0.1", false), ("128.0.0.1", false)])
    func loopbackAddresses(_ text: String, _ loopback: Bool) throws {
        #expect(try #require(IPAddress(parsing: text)).isLoopback == loopback)
    }
}
