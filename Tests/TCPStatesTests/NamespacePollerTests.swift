import Testing
@testable import TCPStates
#if canImport(Glibc)
import Glibc
#endif

@Suite("polling namespaces with kept sockets", .enabled(if: geteuid() == 0, "needs root (unshare, setns)"))
struct NamespacePollerTests {
    /// A discovery whose answer the test changes between polls.
    final class Namespaces: @unchecked Sendable {
        var current: [DiscoveredNamespace] = []
    }

    @Test("a namespace that appears is polled from the next poll on; one that goes has its socket closed")
    func followsNamespaces() throws {
        let first = try PrivateNamespace()
        let second = try PrivateNamespace()
        let inFirst = try NetworkNamespace.withEntered(first.discovered.path) { try listener() }
        let inSecond = try NetworkNamespace.withEntered(second.discovered.path) { try listener() }
        defer { close(inFirst.fd); close(inSecond.fd) }
        var filter = ConnectionFilter()
        filter.states = StateSet([.listen])
        let namespaces = Namespaces()
        namespaces.current = [first.discovered]
        let poller = NamespacePoller(selection: .all, filter: filter)
        poller.discover = { namespaces.current }

        var collector = ConnectionCollector()
        try poller.list(into: &collector)
        #expect(collector.connections.map(\.inode) == [inFirst.inode])
        #expect(collector.connections.allSatisfy { $0.netnsInode == first.inode })
        #expect(poller.lastChanges.opened.map(\.identity.inode) == [first.inode])

        namespaces.current = [first.discovered, second.discovered]
        collector = ConnectionCollector()
        try poller.list(into: &collector)
        #expect(collector.connections.map(\.inode) == [inFirst.inode, inSecond.inode])
        #expect(collector.connections.map(\.netnsInode) == [first.inode, second.inode])
        #expect(poller.lastChanges.opened.map(\.identity.inode) == [second.inode] && poller.lastChanges.closed.isEmpty)

        namespaces.current = [second.discovered]
        collector = ConnectionCollector()
        try poller.list(into: &collector)
        #expect(collector.connections.map(\.inode) == [inSecond.inode])
        #expect(poller.lastChanges.closed.map(\.identity.inode) == [first.inode])
        #expect(poller.sockets.socket(forInode: first.inode) == nil)
        #expect(poller.identities.keys.sorted() == [second.inode])
    }
}
