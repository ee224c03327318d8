import Testing
@testable import TCPStates
#if canImport(Glibc)
import Glibc
#endif

@Suite struct NamespaceDestroyListenersTests {
    @Test("merging batches adds sockets and losses and keeps the first failure")
    func merge() throws {
        let socket = try #require(try WatchTrackerTests.destroyed().first)
        var batch = DestroyBatch()
        batch.sockets = [DestroyedSocket(destroyed: socket, successor: nil)]
        batch.kernelOverflows = 1
        var other = DestroyBatch()
        other.sockets = batch.sockets + batch.sockets
        other.backlogDrops = 5
        other.failure = SourceError("second")
        batch.merge(other)
        #expect(batch.sockets.count == 3 && batch.kernelOverflows == 1 && batch.backlogDrops == 5)
        batch.merge(DestroyBatch())
        var third = DestroyBatch()
        third.failure = SourceError("third")
        batch.merge(third)
        #expect(batch.failure?.message == "second")
    }

    /// Takes batches until `done` holds or 10 s have passed.
    static func take(_ listeners: NamespaceDestroyListeners, until done: ([DestroyedSocket]) -> Bool) -> [DestroyedSocket] {
        var sockets: [DestroyedSocket] = []
        for _ in 0..<100 where !done(sockets) {
            var fds = [pollfd(fd: listeners.fileDescriptor, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 1, 100)
            sockets += listeners.take().sockets
        }
        return sockets
    }

    @Test("each namespace's listener hears only its own namespace and stamps its inode; a namespace left out is no longer heard",
          .enabled(if: geteuid() == 0, "needs root (unshare, setns)"))
    func onePerNamespace() throws {
        let first = try PrivateNamespace()
        let second = try PrivateNamespace()
        let listeners = try NamespaceDestroyListeners(DestroyListener.Configuration(filter: ConnectionFilter()))
        listeners.refresh([first.discovered, second.discovered])
        #expect(listeners.inodes == [first.inode, second.inode])
        // A listener in each namespace and one here, closed: three destroy messages, two of them heard.
        var ports: [UInt16: UInt64] = [:]
        for namespace in [first, second] {
            let made = try NetworkNamespace.withEntered(namespace.discovered.path) { try listener() }
            ports[try Self.port(of: made.fd)] = namespace.inode
            close(made.fd)
        }
        let here = try listener()
        let herePort = try Self.port(of: here.fd)
        close(here.fd)
        let heard = Self.take(listeners) { $0.count >= 2 }
        #expect(Dictionary(uniqueKeysWithValues: heard.map { ($0.destroyed.local.port, $0.destroyed.netnsInode) }) == ports)
        #expect(!heard.contains { $0.destroyed.local.port == herePort })

        listeners.refresh([second.discovered])
        #expect(listeners.inodes == [second.inode])
        let late = try NetworkNamespace.withEntered(first.discovered.path) { try listener() }
        close(late.fd)
        let marker = try NetworkNamespace.withEntered(second.discovered.path) { try listener() }
        let markerPort = try Self.port(of: marker.fd)
        close(marker.fd)
        let after = Self.take(listeners) { $0.contains { $0.destroyed.local.port == markerPort } }
        #expect(after.map(\.destroyed.netnsInode) == [second.inode], "nothing from the namespace left out")
    }

    static func port(of fd: Int32) throws -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        try #require(named == 0)
        return UInt16(bigEndian: address.sin_port)
    }
}
