import CMNL
import Testing
@testable import TCPStates
#if canImport(Glibc)
import Glibc
#endif

@Suite("listing several network namespaces", .enabled(if: geteuid() == 0, "needs root (unshare, setns)"))
struct NamespaceListerTests {
    @Test("NamespaceLister lists each namespace with its own sockets, in the order given, marked with its inode")
    func listerMergesInOrder() throws {
        let namespaces = try (0..<5).map { _ in try PrivateNamespace() }
        var held: [(fd: Int32, inode: UInt64)] = []
        defer { for socket in held { close(socket.fd) } }
        for (index, namespace) in namespaces.enumerated() {
            for _ in 0...index {
                held.append(try NetworkNamespace.withEntered(namespace.discovered.path) { try listener() })
            }
        }
        var filter = ConnectionFilter()
        filter.states = StateSet([.listen])
        var lister = NamespaceLister(filter: filter, kind: .netlink)
        lister.threads = 3
        let listing = try lister.list(namespaces.map(\.discovered))
        #expect(listing.deniedCount == 0)
        #expect(listing.namespaces.map(\.namespace.identity.inode) == namespaces.map(\.inode))
        for (index, result) in listing.namespaces.enumerated() {
            #expect(result.connections.count == index + 1)
            #expect(result.connections.allSatisfy { $0.netnsInode == namespaces[index].inode })
        }
        let listed = Set(listing.namespaces.flatMap(\.connections).map(\.inode))
        #expect(listed == Set(held.map(\.inode)))
    }
}
