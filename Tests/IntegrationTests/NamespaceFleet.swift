import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Three network namespaces of known sockets, all carrying this process's
/// id: two named ones (`ip netns add`) and one that only a process holds
/// (`unshare -n`). Each runs `tcpstates-testpeer hold`, a different number
/// of connections each, so that every namespace's listing differs.
final class NamespaceFleet: @unchecked Sendable {
    /// One namespace of the fleet and how to run a command inside it.
    struct Member {
        let name: String?
        let inode: Int
        /// The lowest pid holding it: the holder itself for the unshared one.
        let holderPID: Int32
        let enter: [String]
        var label: String { name ?? "net:[\(inode)]" }
    }

    let tcpstates: String
    let members: [Member]
    private let holders: [ChildProcess]
    private let names: [String]

    init() throws {
        tcpstates = try TestEnvironment.binary("tcpstates")
        let peer = try TestEnvironment.binary("tcpstates-testpeer")
        let prefix = "\(ProcessInfo.processInfo.environment["TCPSTATES_NETNS_PREFIX"] ?? "tcpst-")an-\(getpid())-"
        var names: [String] = []
        var holders: [ChildProcess] = []
        var members: [Member] = []
        do {
            for (suffix, connections) in [("a", 1), ("b", 2)] {
                let name = prefix + suffix
                _ = try? Subprocess.run(["ip", "netns", "del", name])
                try Self.check(Subprocess.run(["ip", "netns", "add", name]))
                names.append(name)
                try Self.check(Subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"]))
                let holder = try Self.hold(["ip", "netns", "exec", name, peer], connections: connections)
                holders.append(holder)
                members.append(Member(name: name, inode: try Self.inode("/run/netns/\(name)"),
                                      holderPID: holder.pid, enter: ["ip", "netns", "exec", name]))
            }
            let script = "ip link set lo up && exec \"$0\" hold --connections 3 --port 7000 --listeners 1"
            let holder = try Self.hold(["unshare", "--net", "sh", "-c", script, peer], connections: nil)
            holders.append(holder)
            members.append(Member(name: nil, inode: try Self.inode("/proc/\(holder.pid)/ns/net"),
                                  holderPID: holder.pid, enter: ["nsenter", "-t", String(holder.pid), "-n"]))
        } catch {
            for holder in holders { holder.stop() }
            for name in names { _ = try? Subprocess.run(["ip", "netns", "del", name]) }
            throw error
        }
        self.names = names
        self.holders = holders
        self.members = members
    }

    deinit {
        for holder in holders { holder.stop() }
        for name in names { _ = try? Subprocess.run(["ip", "netns", "del", name]) }
    }

    /// ss -tanH (plus `arguments`) inside a member: the ground truth.
    func ss(_ member: Member, _ arguments: [String] = []) throws -> [String] {
        let result = try Subprocess.run(member.enter + ["ss", "-tanH"] + arguments)
        try Self.check(result)
        return try SSListing.parse(result.stdout).get().map(\.record.description).sorted()
    }

    /// Runs tcpstates with `arguments`.
    func run(_ arguments: [String]) throws -> CommandResult {
        try Subprocess.run([tcpstates] + arguments)
    }

    /// Runs tcpstates `--json` and decodes it, requiring exit 0 and a quiet stderr.
    func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> NetnsListing {
        let result = try run(arguments + ["--json"])
        try #require(result.termination == .exited(0) && result.stderr.isEmpty, "\(result)", sourceLocation: sourceLocation)
        return try JSONDecoder().decode(NetnsListing.self, from: Data(result.stdout.utf8))
    }

    private static func hold(_ argv: [String], connections: Int?) throws -> ChildProcess {
        let command = connections.map { argv + ["hold", "--connections", String($0), "--port", "7000"] } ?? argv
        let holder = try ChildProcess(command)
        let output = try holder.collect(until: .now + .seconds(30)) { $0.hasSuffix("READY\n") }
        guard output.stdout.hasSuffix("READY\n") else {
            holder.stop()
            throw SubprocessError(description: "holder \(command) did not get ready: \(output)")
        }
        return holder
    }

    private static func inode(_ path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw SubprocessError(description: "cannot stat \(path)") }
        return Int(info.st_ino)
    }

    private static func check(_ result: CommandResult) throws {
        guard result.termination == .exited(0) else { throw SubprocessError(description: "\(result)") }
    }
}

/// `--all-netns --json`: the listing with each connection's namespace.
struct NetnsListing: Decodable {
    struct Namespace: Decodable, Hashable {
        struct Container: Decodable, Hashable {
            let runtime: String?
            let id: String
            let pod: String?
        }

        let inode: Int
        let name: String?
        let pid: Int32?
        let container: Container?
    }

    struct Connection: Decodable {
        let state: String
        let local: JSONListing.Address
        let remote: JSONListing.Address
        let netns: Namespace
        var record: String { SocketRecord(state: state, local: local.endpoint, remote: remote.endpoint).description }
    }

    let source: String
    let connections: [Connection]

    /// The records listed in one namespace, sorted.
    func records(in inode: Int) -> [String] {
        connections.filter { $0.netns.inode == inode }.map(\.record).sorted()
    }
}

extension NamespaceFleet {
    @TaskLocal static var current: NamespaceFleet?

    /// The fleet of the running suite.
    static func shared() throws -> NamespaceFleet {
        guard let current else {
            throw SubprocessError(description: "no NamespaceFleet: the suite lacks the .namespaceFleet trait")
        }
        return current
    }
}

/// Starts one NamespaceFleet around the suite it is attached to and tears
/// it down afterwards, also when tests fail.
struct NamespaceFleetTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let fleet = try NamespaceFleet()
        try await NamespaceFleet.$current.withValue(fleet) {
            try await function()
        }
    }
}

extension Trait where Self == NamespaceFleetTrait {
    /// Runs the suite against three namespaces of known sockets.
    static var namespaceFleet: Self { Self() }
}
