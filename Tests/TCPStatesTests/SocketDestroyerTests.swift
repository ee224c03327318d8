import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import TCPStates

/// `SocketDestroyer.destroy(_:across:)` where it needs neither root nor a
/// kernel answer: a namespace that cannot be entered any more, and a socket
/// that names a namespace that was not listed.
@Suite struct SocketDestroyerTests {
    /// The captured CLOSE_WAIT sockets, the first in namespace 1, the second in namespace 2.
    static func targets() throws -> [Connection] {
        var targets = try Fixture.decodeNetlink("sockdiag-kill-dump.bin")
        try #require(targets.count == 2)
        targets[0].netnsInode = 1
        targets[1].netnsInode = 2
        return targets
    }

    /// A namespace whose holder exited: its /proc path no longer opens.
    static func vanished(_ inode: UInt64) -> DiscoveredNamespace {
        DiscoveredNamespace(identity: NetnsIdentity(inode: inode), path: "/proc/2147483647/ns/net", isOwn: false)
    }

    @Test func aNamespaceThatVanishedFailsItsSocketsWithItsErrno() throws {
        let results = try SocketDestroyer.destroy(try Self.targets(), across: [Self.vanished(1), Self.vanished(2)])
        #expect(results == [.failed(errno: ENOENT), .failed(errno: ENOENT)])
    }

    @Test func aSocketOfANamespaceNotListedIsAnError() throws {
        #expect(throws: SourceError.self) {
            try SocketDestroyer.destroy(try Self.targets(), across: [Self.vanished(1)])
        }
    }
}
