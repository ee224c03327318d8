import Testing
@testable import TCPStates
#if canImport(Glibc)
import Glibc
#endif

@Suite struct NamespaceDiscoveryTests {
    @Test("the tool's own namespace is found, first, once, with no setns needed")
    func ownNamespaceFirst() throws {
        let found = NamespaceDiscovery().discover()
        let own = try #require(found.first)
        var info = stat()
        try #require(stat("/proc/self/ns/net", &info) == 0)
        #expect(own.isOwn && own.identity.inode == UInt64(info.st_ino))
        #expect(found.filter(\.isOwn).count == 1)
        #expect(Set(found.map(\.identity.inode)).count == found.count, "one entry per inode")
        // Every process-held namespace names a holder whose ns/net is that
        // namespace, unless the holder has exited since (other tests' processes come and go).
        for namespace in found where namespace.identity.name == nil && !namespace.isOwn {
            let pid = try #require(namespace.identity.holderPID)
            if let inode = NetworkNamespace.inode(at: "/proc/\(pid)/ns/net") {
                #expect(inode == namespace.identity.inode)
            }
        }
    }

    @Test("listing order: own, then named by name, then by inode")
    func order() {
        func make(_ inode: UInt64, _ name: String?, own: Bool = false) -> DiscoveredNamespace {
            DiscoveredNamespace(identity: NetnsIdentity(inode: inode, name: name), path: "", isOwn: own)
        }
        let shuffled = [make(5, nil), make(9, "b"), make(2, nil), make(7, nil, own: true), make(1, "a")]
        #expect(shuffled.sorted(by: NamespaceDiscovery.listingOrder).map(\.identity.inode) == [7, 1, 9, 2, 5])
    }

    @Test("labels: the name, else net:[INODE]; the container after it")
    func labels() {
        #expect(NetnsIdentity(inode: 4026532412).label == "net:[4026532412]")
        #expect(NetnsIdentity(inode: 1, name: "blue").label == "blue")
        let container = ContainerLabel(runtime: .docker, id: String(repeating: "ab", count: 32))
        #expect(NetnsIdentity(inode: 7, container: container).text == "net:[7] docker:abababababab")
    }

    @Test("a path that is not a namespace has no namespace inode")
    func notANamespace() {
        #expect(NetworkNamespace.inode(at: "/etc/hostname") == nil)
        #expect(NetworkNamespace.inode(at: "/nonexistent") == nil)
        #expect(NetworkNamespace.inode(at: "/proc/self/ns/net") != nil)
    }
}
