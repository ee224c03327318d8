import Testing
@testable import TCPStates

/// A change that ran in a process's context hints the socket's namespace:
/// the task's. One lookup there proves it; every namespace is asked only
/// when it does not. The capture's process-context changes ran in python3
/// (pid 26029); the client's FIN_WAIT_2 and CLOSE ran in ksoftirqd (pid 22), in softirq.
@Suite struct SocketNamespaceHintsTests {
    static let python: Int32 = 26029
    static let ksoftirqd: Int32 = 22

    /// The captured IPv4 connection's changes (client, server and the listener).
    static func ipv4Connection() throws -> [SocketStateChange] {
        let client = try SocketNamespacesTests.ipv4Client()
        return try SocketNamespacesTests.changes().filter {
            $0.family == .ipv4 && ($0.local == client.local || $0.remote == client.local || $0.local.port == 0)
        }
    }

    @Test func aSocketWorkedByAProcessIsLookedUpInItsTasksNamespaceOnly() throws {
        let locator = FakeLocator()
        locator.tasks[Self.python] = FakeLocator.container
        let client = try SocketNamespacesTests.ipv4Client()
        locator.place(client.local, client.remote, in: FakeLocator.container, state: KernelTCPState.timeWait)
        let connection = try Self.ipv4Connection()
        var namespaces = SocketNamespaces(locator: locator)
        #expect(namespaces.resolve(connection) == connection.map { _ in FakeLocator.container })
        #expect(locator.asked == [FakeLocator.container], "one lookup, in python3's namespace; the server through its peer")
        #expect(locator.taskQueries == [Self.python])
    }

    @Test func theTimewaitFollowerUsesTheSameLookup() throws {
        let locator = FakeLocator()
        locator.tasks[Self.python] = FakeLocator.container
        let client = try SocketNamespacesTests.ipv4Client()
        locator.place(client.local, client.remote, in: FakeLocator.container, state: KernelTCPState.timeWait)
        let step = try SocketNamespacesTests.tracer(locator).step(now: 0)
        let timeWait = try #require(step.transitions.first { $0.local == client.local && $0.previousState == KernelTCPState.finWait2 })
        #expect(timeWait.state == KernelTCPState.timeWait && timeWait.stateSeenThroughSockDiag)
        #expect(timeWait.netns == NetnsIdentity(inode: FakeLocator.container, name: "web"))
        let clientLookups = zip(locator.askedFor, locator.asked).filter { $0.0.local == client.local }
        #expect(clientLookups.map(\.1) == [FakeLocator.container], "one lookup: the resolution's, which the follower reuses")
    }

    @Test func whenTheHintedNamespaceLacksTheSocketEveryNamespaceIsAsked() throws {
        let locator = FakeLocator()
        locator.tasks[Self.python] = FakeLocator.host  // python3 worked a socket of another namespace
        let client = try SocketNamespacesTests.ipv4Client()
        locator.place(client.local, client.remote, in: FakeLocator.container, state: KernelTCPState.timeWait)
        let connection = try Self.ipv4Connection()
        var namespaces = SocketNamespaces(locator: locator)
        #expect(namespaces.resolve(connection) == connection.map { _ in FakeLocator.container })
        // The endpoints, then on loopback the peer's, in the hint; then every namespace.
        #expect(locator.asked == [FakeLocator.host, FakeLocator.host, nil])
    }

    @Test func aTaskWhoseNamespaceCannotBeToldGivesNoHint() throws {
        let locator = FakeLocator()  // python3 is gone: no namespace for it
        let client = try SocketNamespacesTests.ipv4Client()
        locator.place(client.local, client.remote, in: FakeLocator.container, state: KernelTCPState.timeWait)
        let connection = try Self.ipv4Connection()
        var namespaces = SocketNamespaces(locator: locator)
        #expect(namespaces.resolve(connection) == connection.map { _ in FakeLocator.container })
        #expect(locator.asked == [nil])
        #expect(locator.taskQueries == [Self.python], "once per task and step")
        namespaces.endStep()
        _ = namespaces.resolve(connection)
        #expect(locator.taskQueries == [Self.python, Self.python], "a pid is asked again in the next step: it may be reused")
    }

    @Test func changesThatAllRanInSoftirqAreNeverHinted() throws {
        let locator = FakeLocator()
        locator.tasks[Self.python] = FakeLocator.host
        locator.tasks[Self.ksoftirqd] = FakeLocator.host
        let client = try SocketNamespacesTests.ipv4Client()
        locator.place(client.local, client.remote, in: FakeLocator.container, state: KernelTCPState.timeWait)
        // The client's FIN_WAIT_1 -> FIN_WAIT_2 -> CLOSE: run by ksoftirqd, in softirq.
        let softirq = try SocketNamespacesTests.changes().filter { $0.local == client.local && $0.ranInInterrupt }
        try #require(softirq.count == 2 && softirq.allSatisfy { $0.pid == Self.ksoftirqd })
        var namespaces = SocketNamespaces(locator: locator)
        #expect(namespaces.resolve(softirq) == [FakeLocator.container, FakeLocator.container])
        #expect(locator.taskQueries.isEmpty)
        #expect(locator.asked == [nil])
    }

    /// Decided: the hint proven by the lookup names the socket. Another
    /// namespace holding the same four endpoints is not asked (that is the
    /// saving); being wrong would need python3 to work a socket of that other
    /// namespace while its own has one with the very same endpoints.
    @Test func aProvenHintWinsOverAnotherNamespaceWithTheSameEndpoints() throws {
        let locator = FakeLocator()
        locator.tasks[Self.python] = FakeLocator.container
        let client = try SocketNamespacesTests.ipv4Client()
        locator.place(client.local, client.remote, in: FakeLocator.host, state: KernelTCPState.timeWait)
        locator.place(client.local, client.remote, in: FakeLocator.container, state: KernelTCPState.timeWait)
        let step = try SocketNamespacesTests.tracer(locator).step(now: 0)
        let ipv4 = step.transitions.filter { $0.family == .ipv4 && $0.remote.port != 0 }
        #expect(ipv4.count == 10 && ipv4.allSatisfy { $0.netns?.inode == FakeLocator.container })
        let close = try #require(ipv4.first { $0.previousState == KernelTCPState.finWait2 })
        #expect(close.state == KernelTCPState.timeWait && close.stateSeenThroughSockDiag)
        #expect(!locator.asked.contains(FakeLocator.host))
    }
}
