import CMNL
import Testing
@testable import TCPStates
#if canImport(Glibc)
import Glibc
#endif

@Suite("sockets kept in other network namespaces", .enabled(if: geteuid() == 0, "needs root (unshare, setns)"))
struct NamespaceSocketsTests {
    @Test("a socket opened inside a namespace keeps listing it after the thread came back")
    func socketKeepsItsNamespace() throws {
        let namespace = try PrivateNamespace()
        let inside = try NetworkNamespace.withEntered(namespace.discovered.path, inode: namespace.inode) { try listener() }
        defer { close(inside.fd) }
        let outside = try listener()
        defer { close(outside.fd) }
        #expect(NetworkNamespace.currentInode() != namespace.inode, "the thread came back")

        let kept = try NetlinkSocket.opened(in: namespace.discovered)
        let there = try listenerInodes(kept)
        #expect(there == [inside.inode], "the new namespace holds only the listener made in it")
        let here = try listenerInodes(try NetlinkSocket())
        #expect(here.contains(outside.inode) && !here.contains(inside.inode))
    }

    @Test("a namespace whose path now names another inode is refused as vanished")
    func inodeIsChecked() throws {
        let namespace = try PrivateNamespace()
        var wrong = namespace.discovered
        wrong.identity.inode &+= 1
        #expect {
            _ = try NetlinkSocket.opened(in: wrong)
        } throws: { error in
            guard let error = error as? SourceError else { return false }
            return NamespaceFailure(error) == .vanished
        }
    }

    @Test("refresh opens sockets for new namespaces and closes those of namespaces gone")
    func refreshFollowsTheNamespaces() throws {
        let own = try #require(NamespaceDiscovery().discover().first)
        let first = try PrivateNamespace()
        let second = try PrivateNamespace()
        let sockets = NamespaceSockets()
        var changes = try sockets.refresh([own, first.discovered])
        #expect(changes.opened.map(\.identity.inode) == [own.identity.inode, first.inode] && changes.closed.isEmpty)
        changes = try sockets.refresh([own, second.discovered])
        #expect(changes.opened.map(\.identity.inode) == [second.inode])
        #expect(changes.closed.map(\.identity.inode) == [first.inode])
        #expect(sockets.entries.map(\.namespace.identity.inode) == [own.identity.inode, second.inode])
        #expect(sockets.socket(forInode: first.inode) == nil && sockets.socket(forInode: second.inode) != nil)
    }
}
