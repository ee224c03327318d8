import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A network namespace `tcpst-o-<pid>` holding `tcpstates-testpeer owners`:
/// sockets whose owners, protocols and timers are known (see OwnerHolder).
final class OwnerPeer: Sendable {
    /// The TIME_WAIT socket expires 60 s after it is made.
    static let lifetime: Duration = .seconds(50)
    /// The name the hostile process gives itself.
    static let hostileName = "\u{1b}[2Jevil\nname"

    let name: String
    let tcpstates: String
    /// Process ids by role: main, sharer, hostile, nobody.
    let pids: [String: Int]
    private let peer: ChildProcess

    @TaskLocal static var current: RenewingFixture<OwnerPeer>?

    private init(name: String, tcpstates: String, pids: [String: Int], peer: ChildProcess) {
        self.name = name
        self.tcpstates = tcpstates
        self.pids = pids
        self.peer = peer
    }

    static func start() throws -> OwnerPeer {
        let tcpstates = try TestEnvironment.binary("tcpstates")
        let peerBinary = try TestEnvironment.binary("tcpstates-testpeer")
        let name = "tcpst-o-\(getpid())"
        _ = try? Subprocess.run(["ip", "netns", "del", name])
        let add = try Subprocess.run(["ip", "netns", "add", name])
        guard add.termination == .exited(0) else {
            throw SubprocessError(description: "cannot create the namespace: \(add)")
        }
        do {
            let peer = try ChildProcess(["ip", "netns", "exec", name, peerBinary, "owners"])
            let output: (stdout: String, stderr: String)
            do {
                output = try peer.collect(until: .now + .seconds(30)) { $0.hasSuffix("READY\n") }
            } catch {
                peer.stop()
                throw error
            }
            var pids: [String: Int] = [:]
            for line in output.stdout.split(separator: "\n") where line != "READY" {
                let fields = line.split(separator: " ")
                guard fields.count == 3, fields[0] == "PID", let pid = Int(fields[2]) else {
                    peer.stop()
                    throw SubprocessError(description: "unexpected line from the owners peer: \(line)\n\(output.stderr)")
                }
                pids[String(fields[1])] = pid
            }
            guard output.stdout.hasSuffix("READY\n"), pids.count == 4 else {
                peer.stop()
                throw SubprocessError(description: "the owners peer did not get ready:\n\(output.stdout)\(output.stderr)")
            }
            return OwnerPeer(name: name, tcpstates: tcpstates, pids: pids, peer: peer)
        } catch {
            _ = try? Subprocess.run(["ip", "netns", "del", name])
            throw error
        }
    }

    func tearDown() {
        peer.stop()
        _ = try? Subprocess.run(["ip", "netns", "del", name])
    }

    /// The fixture of the running suite, younger than `lifetime` (its
    /// TIME_WAIT socket may be gone after that: a new one is started).
    static func shared() throws -> OwnerPeer {
        guard let current else { throw SubprocessError(description: "no OwnerPeer: the suite lacks .ownerPeer") }
        return try current.fresh()
    }

    func run(_ argv: [String]) throws -> CommandResult {
        try Subprocess.run(["ip", "netns", "exec", name] + argv)
    }

    func tcpstates(_ arguments: [String]) throws -> CommandResult {
        try run([tcpstates] + arguments)
    }

    /// Runs tcpstates `--json` inside the namespace; it must exit 0 with nothing on stderr.
    func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> DetailedListing {
        let result = try tcpstates(arguments + ["--json"])
        try #require(result.termination == .exited(0), "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(result)", sourceLocation: sourceLocation)
        return try DetailedListing.parse(result)
    }
}

struct OwnerPeerTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let peer = try RenewingFixture(lifetime: OwnerPeer.lifetime, start: OwnerPeer.start, stop: { $0.tearDown() })
        defer { peer.tearDown() }
        try await OwnerPeer.$current.withValue(peer) { try await function() }
    }
}

extension Trait where Self == OwnerPeerTrait {
    /// Runs the suite against the owners peer in its own namespace.
    static var ownerPeer: Self { Self() }
}

/// Every owners, UDP, timer, info and namespace test: serial, one namespace.
@Suite(
    "owners, UDP, timers, tcp_info and namespaces against real sockets",
    .serialized,
    .enabled(if: TestEnvironment.isRoot, "needs root (ip netns)"),
    .enabled(if: TestEnvironment.hasNamespaceTools, "needs ip, nft and ss in PATH"),
    .ownerPeer
)
struct OwnedSockets {}
