import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A network namespace holding `tcpstates-testpeer states`: real sockets in
/// every state, and the peer's list of them (the ground truth).
final class PeerNamespace: Sendable {
    /// The TIME_WAIT and orphaned FIN_WAIT_2 sockets expire 60 s after they
    /// are made; after this long the ground truth is no longer trusted.
    static let lifetime: Duration = .seconds(50)

    let name: String
    let tcpstates: String
    let truth: [SocketRecord]
    private let peer: ChildProcess

    @TaskLocal static var current: RenewingFixture<PeerNamespace>?

    private init(name: String, tcpstates: String, truth: [SocketRecord], peer: ChildProcess) {
        self.name = name
        self.tcpstates = tcpstates
        self.truth = truth
        self.peer = peer
    }

    /// Creates namespace `tcpst-<pid>`, starts the peer in it and reads its
    /// SOCKET lines up to READY.
    static func start() throws -> PeerNamespace {
        let tcpstates = try TestEnvironment.binary("tcpstates")
        let peerBinary = try TestEnvironment.binary("tcpstates-testpeer")
        // $TCPSTATES_NETNS_PREFIX keeps parallel runs' namespaces apart by name.
        let name = "\(ProcessInfo.processInfo.environment["TCPSTATES_NETNS_PREFIX"] ?? "tcpst-")\(getpid())"
        _ = try? Subprocess.run(["ip", "netns", "del", name])
        let add = try Subprocess.run(["ip", "netns", "add", name])
        guard add.termination == .exited(0) else {
            throw SubprocessError(description: "cannot create the namespace: \(add)")
        }
        do {
            let peer = try ChildProcess(["ip", "netns", "exec", name, peerBinary, "states"])
            let output: (stdout: String, stderr: String)
            do {
                output = try peer.collect(until: .now + .seconds(40)) { $0.hasSuffix("READY\n") }
            } catch {
                peer.stop()
                throw error
            }
            guard output.stdout.hasSuffix("READY\n") else {
                let termination = peer.wait(timeout: .seconds(2))
                throw SubprocessError(description:
                    "tcpstates-testpeer ended (\(termination)) before READY:\n\(output.stdout)\(output.stderr)")
            }
            var truth: [SocketRecord] = []
            for line in output.stdout.split(separator: "\n") where line != "READY" {
                guard let record = SocketRecord(peerLine: line) else {
                    peer.stop()
                    throw SubprocessError(description: "unexpected line from tcpstates-testpeer: \(line)")
                }
                truth.append(record)
            }
            return PeerNamespace(name: name, tcpstates: tcpstates, truth: truth, peer: peer)
        } catch {
            _ = try? Subprocess.run(["ip", "netns", "del", name])
            throw error
        }
    }

    /// Stops the peer and deletes the namespace.
    func tearDown() {
        peer.stop()
        _ = try? Subprocess.run(["ip", "netns", "del", name])
    }

    /// The fixture of the running suite, younger than `lifetime` (a new one
    /// when the suite has run longer than that).
    static func shared() throws -> PeerNamespace {
        guard let current else {
            throw SubprocessError(description: "no PeerNamespace: the suite lacks the .peerNamespace trait")
        }
        return try current.fresh()
    }

    /// The ground truth without CLOSED sockets: what a default listing shows.
    var openTruth: [SocketRecord] { truth.filter { $0.state != "CLOSED" } }

    /// Runs `argv` inside the namespace.
    func run(_ argv: [String], closedStdout: Bool = false) throws -> CommandResult {
        try Subprocess.run(["ip", "netns", "exec", name] + argv, closedStdout: closedStdout)
    }

    /// Runs tcpstates with `arguments` inside the namespace.
    func tcpstates(_ arguments: [String]) throws -> CommandResult {
        try run([tcpstates] + arguments)
    }

    /// Runs tcpstates and decodes its `--json` output, recording an issue and
    /// throwing when it does not exit 0.
    func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONListing {
        let result = try tcpstates(arguments + ["--json"])
        try #require(result.termination == .exited(0), "\(result)", sourceLocation: sourceLocation)
        return try JSONListing.parse(result)
    }
}

/// Starts one PeerNamespace around the whole suite it is attached to and
/// tears it down afterwards, also when tests fail.
struct PeerNamespaceTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let namespace = try RenewingFixture(lifetime: PeerNamespace.lifetime, start: PeerNamespace.start,
                                            stop: { $0.tearDown() })
        defer { namespace.tearDown() }
        try await PeerNamespace.$current.withValue(namespace) {
            try await function()
        }
    }
}

extension Trait where Self == PeerNamespaceTrait {
    /// Runs the suite against a namespace of real sockets in every TCP state.
    static var peerNamespace: Self { Self() }
}

/// The suite every integration test lives in: serial, one namespace for all.
@Suite(
    "tcpstates against real sockets in every TCP state",
    .serialized,
    .enabled(if: TestEnvironment.isRoot, "needs root (ip netns, nftables)"),
    .enabled(if: TestEnvironment.hasNamespaceTools, "needs ip, nft and ss in PATH"),
    .peerNamespace
)
struct RealSockets {}
