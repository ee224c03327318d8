import Testing
@testable import TCPStates

/// Sockets are told apart within their network namespace: every namespace
/// has its own 127.0.0.1, so a 4-tuple can be held in two at once.
@Suite struct ConnectionKeyTests {
    /// A captured connected socket, as listed in the namespace with inode `netns`.
    static func socket(in netns: UInt64, cookie: Bool = true) throws -> Connection {
        var connection = try #require(try WatchTrackerTests.sample().first {
            $0.kernelState == KernelTCPState.established && $0.cookie != 0
        })
        connection.netnsInode = netns
        if !cookie { connection.cookie = 0 }
        return connection
    }

    @Test("the same cookie or 4-tuple in two namespaces is two keys; in one, one key")
    func keysAreWithinTheirNamespace() throws {
        for cookie in [true, false] {
            let a = try Self.socket(in: 4026531840, cookie: cookie)
            let b = try Self.socket(in: 4026532000, cookie: cookie)
            #expect(a.key != b.key && a.endpointKey != b.endpointKey)
            #expect(a.key == (try Self.socket(in: 4026531840, cookie: cookie)).key)
        }
    }

    @Test("the same 4-tuple in two namespaces is tracked as two sockets; a poll or a destroy ends only its own")
    func oneTupleInTwoNamespaces() throws {
        for cookie in [true, false] {
            let a = try Self.socket(in: 4026531840, cookie: cookie)
            let b = try Self.socket(in: 4026532000, cookie: cookie)
            var tracker = SocketTracker()
            let present = try WatchTrackerTests.refresh(&tracker, [a, b], at: 0)
            #expect(present.map(\.connection.netnsInode) == [a.netnsInode, b.netnsInode])
            #expect(present.allSatisfy { $0.kind == .present })
            // Namespace b has gone: the polls no longer list its socket (one miss is not a close).
            #expect(try WatchTrackerTests.refresh(&tracker, [a], at: 1000).isEmpty)
            let closed = try WatchTrackerTests.refresh(&tracker, [a], at: 1200)
            #expect(closed.map(\.kind) == [.close] && closed.first?.connection.netnsInode == b.netnsInode)
            #expect(tracker.entries[a.key] != nil)
            guard cookie else { continue }
            // Only a destroy message of a's own namespace ends a.
            #expect(tracker.observeDestroyed(b, current: nil, at: WatchTrackerTests.at(1500)).isEmpty,
                    "b's close was printed once, by the poll")
            let destroyed = tracker.observeDestroyed(a, current: nil, at: WatchTrackerTests.at(2000))
            #expect(destroyed.map(\.kind) == [.close] && destroyed.first?.connection.netnsInode == a.netnsInode)
            #expect(tracker.entries.keys.isEmpty)
        }
    }
}
