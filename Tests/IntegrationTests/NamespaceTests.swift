import Foundation
import Testing

extension OwnedSockets {
    @Suite("--netns")
    struct Namespaces {
        /// Keys and owners of a listing, without what changes by the second (timers).
        static func summary(_ listing: DetailedListing) -> [String] {
            listing.connections.map { c in
                "\(c.key) inode=\(c.inode) pids=\((c.process ?? []).map(\.pid).sorted())"
            }.sorted()
        }

        @Test("--netns NAME, its /run/netns path and /proc/PID/ns/net list what runs inside lists, owners included")
        func matchesInside() throws {
            let peer = try OwnerPeer.shared()
            let arguments = ["-tu", "-P", "--json"]
            let inside = Self.summary(try peer.json(Array(arguments.dropLast())))
            #expect(inside.count >= 9, "\(inside)")
            let mainPid = try #require(peer.pids["main"])
            for target in [peer.name, "/run/netns/\(peer.name)", "/proc/\(mainPid)/ns/net"] {
                let outside = try Subprocess.run([peer.tcpstates, "--netns", target] + arguments)
                try #require(outside.termination == .exited(0), "\(outside)")
                #expect(outside.stderr.isEmpty, "\(outside)")
                #expect(Self.summary(try DetailedListing.parse(outside)) == inside, "--netns \(target)")
            }
            let proc = try Subprocess.run([peer.tcpstates, "--netns", peer.name, "--source", "proc"] + arguments)
            #expect(Self.summary(try DetailedListing.parse(proc)) == inside, "/proc/net follows the namespace too")
        }

        @Test("a missing or wrong namespace is one line and exit 1; an empty name is a usage error",
              arguments: ["tcpst-o-no-such-namespace", "/nonexistent/ns/net", "/etc/hostname", "/proc/self/ns/mnt"])
        func missingNamespace(_ target: String) throws {
            let peer = try OwnerPeer.shared()
            let result = try Subprocess.run([peer.tcpstates, "--netns", target])
            #expect(result.termination == .exited(1), "\(result)")
            #expect(result.stderrIsOneLine && result.stdout.isEmpty, "\(result)")
            let empty = try Subprocess.run([peer.tcpstates, "--netns", ""])
            #expect(empty.termination == .exited(64) && empty.stderrIsOneLine, "\(empty)")
        }

        @Test("unprivileged, --netns fails in one line saying root is needed",
              .enabled(if: TestEnvironment.hasSetpriv, "needs setpriv"))
        func unprivileged() throws {
            let peer = try OwnerPeer.shared()
            let binary = try UnprivilegedCopy.path(of: peer.tcpstates) { try Subprocess.run($0) }
            defer { UnprivilegedCopy.remove(binary, original: peer.tcpstates) }
            let result = try Subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                             binary, "--netns", peer.name])
            #expect(result.termination == .exited(1), "\(result)")
            #expect(result.stderrIsOneLine && result.stderr.contains("root"), "\(result)")
        }
    }
}
