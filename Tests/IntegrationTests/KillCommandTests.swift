import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `tcpstates kill` against real sockets in a private namespace: held
/// CLOSE_WAIT sockets on one port, held ESTABLISHED ones on the next. ss and
/// the holder (SO_ERROR) say what happened.
@Suite(
    "tcpstates kill",
    .serialized,
    .enabled(if: TestEnvironment.isRoot, "needs root (ip netns, SOCK_DESTROY)"),
    .enabled(if: ["ip", "ss"].allSatisfy { Subprocess.which($0) != nil }, "needs ip and ss in PATH")
)
struct KillCommandTests {
    static let port = KillNamespace.port

    /// Asserts that nothing changed: the same sockets in ss, no error in the holder.
    static func expectUntouched(_ namespace: KillNamespace, closeWait: [String], established: [String],
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try namespace.closeWait() == closeWait, sourceLocation: sourceLocation)
        #expect(try namespace.established() == established, sourceLocation: sourceLocation)
        let errors = try namespace.errors()
        #expect(errors.closeWait.allSatisfy { $0 == "0" } && errors.established.allSatisfy { $0 == "0" },
                "\(errors)", sourceLocation: sourceLocation)
    }

    @Test("kill with filters ends exactly the CLOSE_WAIT set: ss agrees, the holder reads ECONNABORTED")
    func killsExactlyTheMatchedSet() throws {
        let namespace = try KillNamespace()
        defer { namespace.tearDown() }
        let closeWait = try namespace.closeWait()
        let established = try namespace.established()
        #expect(closeWait.count == 2 * namespace.count && established.count == 2 * namespace.count)

        let result = try namespace.kill(["--local-port", "\(Self.port)", "--state", "close-wait", "--yes"])
        #expect(result.termination == .exited(0), "\(result)")
        let rows = result.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == closeWait.count && rows.allSatisfy { $0.hasPrefix("killed ") }, "\(result)")
        #expect(result.stderr == "tcpstates: \(closeWait.count) killed of \(closeWait.count) matched\n")

        #expect(try namespace.closeWait().isEmpty, "ss still lists CLOSE_WAIT sockets")
        #expect(try namespace.established() == established, "the ESTABLISHED set is untouched")
        #expect(try namespace.ss().contains("LISTEN 127.0.0.1:\(Self.port) 0.0.0.0:*"), "listeners are spared")
        let errors = try namespace.errors()
        #expect(errors.closeWait == Array(repeating: "ECONNABORTED", count: closeWait.count))
        #expect(errors.established == Array(repeating: "0", count: established.count))
    }

    @Test("--json parses and says per socket what happened; -6 narrows to IPv6")
    func jsonReport() throws {
        let namespace = try KillNamespace()
        defer { namespace.tearDown() }
        let ipv4 = try namespace.closeWait().filter { !$0.contains("[") }
        let result = try namespace.kill(["-6", "--state", "close-wait", "--yes", "--json"])
        #expect(result.termination == .exited(0), "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let connections = try #require(object["connections"] as? [[String: Any]])
        #expect(connections.count == namespace.count)
        for connection in connections {
            #expect(connection["result"] as? String == "killed")
            #expect(connection["error"] is NSNull)
            #expect(connection["family"] as? String == "ipv6" && connection["state"] as? String == "CLOSE_WAIT")
        }
        #expect(try namespace.closeWait() == ipv4, "only the IPv6 CLOSE_WAIT sockets are gone")
        // The holder made the IPv4 sockets first, then the IPv6 ones.
        let errors = try namespace.errors()
        #expect(errors.closeWait == Array(repeating: "0", count: namespace.count)
                + Array(repeating: "ECONNABORTED", count: namespace.count))
    }

    @Test("neither --dry-run nor a refusal kills anything")
    func dryRunAndRefusalsKillNothing() throws {
        let namespace = try KillNamespace()
        defer { namespace.tearDown() }
        let closeWait = try namespace.closeWait()
        let established = try namespace.established()

        let dryRun = try namespace.kill(["--port", "\(Self.port)", "--dry-run"])
        #expect(dryRun.termination == .exited(0), "\(dryRun)")
        // Every socket ss lists on the port but the listeners: CLOSE_WAIT and the clients' FIN_WAIT_2.
        let expected = try namespace.ss().map { $0.split(separator: " ") }
            .filter { $0[0] != "LISTEN" && ($0[1].hasSuffix(":\(Self.port)") || $0[2].hasSuffix(":\(Self.port)")) }
            .map { "\($0[1]) \($0[2])" }
        let rows = dryRun.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ") }
        #expect(rows.allSatisfy { $0.first == "dry-run" }, "\(dryRun)")
        #expect(Set(rows.map { "\($0[4]) \($0[5])" }) == Set(expected) && rows.count == expected.count, "\(dryRun)")
        #expect(expected.count == 4 * namespace.count, "CLOSE_WAIT and FIN_WAIT_2, IPv4 and IPv6")
        let json = try namespace.kill(["--port", "\(Self.port)", "--dry-run", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["connections"] as? [[String: Any]])?.allSatisfy { $0["result"] as? String == "dry-run" } == true)

        for (arguments, reason) in [
            (["--port", "\(Self.port)"], "--yes"),                  // stdin is a pipe, not a terminal
            (["--yes"], "needs a filter"),
            (["-4", "--yes"], "needs a filter"),
            (["--all-netns", "--yes"], "needs a filter"),
            (["--netns", "\(namespace.name),\(namespace.name)", "-6", "--yes"], "needs a filter"),
            (["--all", "--port", "\(Self.port)", "--yes"], "--all"),
            (["--state", "closed", "--yes"], "CLOSED"),
            (["--port", "\(Self.port)", "--yes", "--udp"], "--udp"),
        ] {
            let refused = try namespace.kill(arguments)
            #expect(refused.termination == .exited(64), "\(refused)")
            #expect(refused.stderrIsOneLine && refused.stderr.contains(reason) && refused.stdout.isEmpty, "\(refused)")
        }
        try Self.expectUntouched(namespace, closeWait: closeWait, established: established)
    }

    @Test("--pid and --command pick the holder's sockets")
    func ownerFilters() throws {
        let namespace = try KillNamespace(count: 2)
        defer { namespace.tearDown() }
        let closeWait = try namespace.closeWait()
        let established = try namespace.established()
        let other = try namespace.kill(["--pid", "1", "--state", "close-wait", "--yes"])
        #expect(other.termination == .exited(0) && other.stdout.isEmpty, "\(other)")
        #expect(other.stderr == "tcpstates: no socket matched; nothing to kill\n")
        // comm is cut to 15 bytes.
        let byName = try namespace.kill(["--command", "tcpstates-testp", "--state", "close-wait", "--dry-run"])
        #expect(byName.stdout.split(separator: "\n").dropFirst().count == closeWait.count, "\(byName)")
        try Self.expectUntouched(namespace, closeWait: closeWait, established: established)
        let byPID = try namespace.kill(["--pid", "\(namespace.holderPID)", "--state", "close-wait", "--yes", "--json"])
        #expect(byPID.termination == .exited(0), "\(byPID)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(byPID.stdout.utf8)) as? [String: Any])
        let connections = try #require(object["connections"] as? [[String: Any]])
        #expect(connections.count == closeWait.count && connections.allSatisfy { $0["result"] as? String == "killed" })
        #expect(try namespace.closeWait().isEmpty && namespace.established() == established)
    }

    @Test("--netns kills in that namespace, from outside it")
    func otherNamespace() throws {
        let namespace = try KillNamespace(count: 1)
        defer { namespace.tearDown() }
        let established = try namespace.established()
        let result = try Subprocess.run([namespace.tcpstates, "kill", "--netns", namespace.name,
                                         "--local-port", "\(Self.port)", "-s", "close-wait", "--yes"])
        #expect(result.termination == .exited(0), "\(result)")
        #expect(result.stdout.split(separator: "\n").dropFirst().count == 2, "\(result)")
        #expect(try namespace.closeWait().isEmpty && namespace.established() == established)
        #expect(try namespace.errors().closeWait == ["ECONNABORTED", "ECONNABORTED"])
    }

    /// A port of this test process's own, below the ephemeral range, for the kills across every
    /// namespace: other tests' namespaces exist at the same time, and nothing of theirs is on it.
    static let ownPort = UInt16(10_000 + Int(getpid()) % 11_000 * 2)

    /// Two namespaces of this process's own, each with the kill-targets sockets on `ownPort`.
    static func twoNamespaces() throws -> [KillNamespace] {
        let first = try KillNamespace(count: 2, port: ownPort)
        do {
            return [first, try KillNamespace(count: 2, port: ownPort)]
        } catch {
            first.tearDown()
            throw error
        }
    }

    /// The `--json` report's connections as `NETNS-NAME LOCAL REMOTE` with their result, sorted.
    static func rows(_ result: CommandResult) throws -> [String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                  "\(result)")
        let connections = try #require(object["connections"] as? [[String: Any]])
        return try connections.map { connection in
            let netns = try #require(connection["netns"] as? [String: Any], "each socket names its namespace")
            let local = try #require(connection["local"] as? [String: Any])
            let remote = try #require(connection["remote"] as? [String: Any])
            func text(_ endpoint: [String: Any]) -> String {
                let address = endpoint["address"] as? String ?? "?"
                return (address.contains(":") ? "[\(address)]" : address) + ":\(endpoint["port"] as? Int ?? -1)"
            }
            return "\(netns["name"] as? String ?? "-") \(text(local)) \(text(remote)) \(connection["result"] as? String ?? "?")"
        }.sorted()
    }

    /// What `rows` should be: each namespace's CLOSE_WAIT sockets as its ss lists them.
    static func expectedRows(_ namespaces: [KillNamespace], result: String) throws -> [String] {
        try namespaces.flatMap { namespace in
            try namespace.closeWait().map { "\(namespace.name) \($0.dropFirst("CLOSE-WAIT ".count)) \(result)" }
        }.sorted()
    }

    @Test("--all-netns --dry-run lists the sockets of both namespaces, each with its namespace, and kills nothing")
    func dryRunAcrossNamespaces() throws {
        let namespaces = try Self.twoNamespaces()
        defer { namespaces.forEach { $0.tearDown() } }
        let before = try namespaces.map { (try $0.closeWait(), try $0.established()) }
        let filter = ["--all-netns", "-s", "close-wait", "-p", "\(Self.ownPort)", "--dry-run"]
        let json = try Subprocess.run([namespaces[0].tcpstates, "kill"] + filter + ["--json"])
        #expect(json.termination == .exited(0), "\(json)")
        #expect(try Self.rows(json) == Self.expectedRows(namespaces, result: "dry-run"), "\(json)")
        #expect(json.stderr == "tcpstates: dry run: \(4 * namespaces[0].count) sockets in 2 network namespaces would be killed\n")

        let table = try Subprocess.run([namespaces[0].tcpstates, "kill"] + filter)
        #expect(table.termination == .exited(0), "\(table)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.split(separator: " ").last == "NETNS", "\(table)")
        for namespace in namespaces {
            #expect(lines.filter { $0.hasPrefix("dry-run ") && $0.hasSuffix("  \(namespace.name)") }.count
                    == 2 * namespace.count, "\(table)")
        }
        for (namespace, (closeWait, established)) in zip(namespaces, before) {
            try Self.expectUntouched(namespace, closeWait: closeWait, established: established)
        }
    }

    @Test("kill --all-netns ends the CLOSE_WAIT sets of both namespaces: ss in each agrees, both holders read ECONNABORTED")
    func killsAcrossNamespaces() throws {
        let namespaces = try Self.twoNamespaces()
        defer { namespaces.forEach { $0.tearDown() } }
        let established = try namespaces.map { try $0.established() }
        let filter = ["--all-netns", "-s", "close-wait", "-p", "\(Self.ownPort)"]
        // Other namespaces on this machine are other tests': kill only if the filter matches these two's sockets alone.
        let dryRun = try Subprocess.run([namespaces[0].tcpstates, "kill"] + filter + ["--dry-run", "--json"])
        try #require(try Self.rows(dryRun) == Self.expectedRows(namespaces, result: "dry-run"), "\(dryRun)")

        let expected = try Self.expectedRows(namespaces, result: "killed")
        let result = try Subprocess.run([namespaces[0].tcpstates, "kill"] + filter + ["--yes", "--json"])
        #expect(result.termination == .exited(0), "\(result)")
        #expect(try Self.rows(result) == expected, "\(result)")
        #expect(result.stderr == "tcpstates: \(expected.count) killed of \(expected.count) matched\n")
        for (namespace, established) in zip(namespaces, established) {
            #expect(try namespace.closeWait().isEmpty, "\(namespace.name): ss still lists CLOSE_WAIT sockets")
            #expect(try namespace.established() == established, "\(namespace.name): the ESTABLISHED set is untouched")
            let errors = try namespace.errors()
            #expect(errors.closeWait == Array(repeating: "ECONNABORTED", count: 2 * namespace.count), "\(namespace.name)")
            #expect(errors.established == Array(repeating: "0", count: 2 * namespace.count), "\(namespace.name)")
        }
    }

    @Test("--netns a,b kills in each named namespace and names it in the table")
    func namedNamespaces() throws {
        let namespaces = try Self.twoNamespaces()
        defer { namespaces.forEach { $0.tearDown() } }
        let expected = try Self.expectedRows(namespaces, result: "killed")
        let result = try Subprocess.run([namespaces[0].tcpstates, "kill", "--netns", namespaces.map(\.name).joined(separator: ","),
                                         "--local-port", "\(Self.ownPort)", "-s", "close-wait", "--yes"])
        #expect(result.termination == .exited(0), "\(result)")
        let rows = result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ") }
        #expect(rows.map { "\($0[6]) \($0[4]) \($0[5]) \($0[0])" }.sorted() == expected, "\(result)")
        for namespace in namespaces {
            #expect(try namespace.closeWait().isEmpty, "\(namespace.name)")
            #expect(try namespace.errors().closeWait == Array(repeating: "ECONNABORTED", count: 2 * namespace.count))
        }
    }

    @Test("on a terminal, --all-netns lists each socket with its namespace and asks once for all",
          .enabled(if: Subprocess.which("tmux") != nil, "needs tmux"))
    func terminalConfirmationAcrossNamespaces() throws {
        let namespaces = try Self.twoNamespaces()
        defer { namespaces.forEach { $0.tearDown() } }
        let before = try namespaces.map { (try $0.closeWait(), try $0.established()) }
        let count = before.map(\.0.count).reduce(0, +)
        let kill = "\(namespaces[0].tcpstates) kill --all-netns --local-port \(Self.ownPort) -s close-wait"
        // As in killsAcrossNamespaces: go on only if the filter matches these two's sockets alone.
        let dryRun = try Subprocess.run(kill.split(separator: " ").map(String.init) + ["--dry-run", "--json"])
        try #require(try Self.rows(dryRun) == Self.expectedRows(namespaces, result: "dry-run"), "\(dryRun)")
        let tmux = try TmuxSession(width: 140, height: 40) { _ in
            "sh -c '\(kill); echo \"EXIT $?\"; \(kill); echo \"EXIT $?\"; exec sleep 600'"
        }
        defer { tmux.stop() }
        let question = "Kill these \(count) sockets in 2 network namespaces? [y/N]"
        let first = try tmux.wait(for: "the question") { $0.contains { $0.hasPrefix(question) } }
        for namespace in namespaces {
            #expect(first.filter { $0.hasPrefix("CLOSE_WAIT ") && $0.hasSuffix("  \(namespace.name)") }.count
                    == 2 * namespace.count, "\(first)")
        }
        try tmux.send("n")
        try tmux.send("Enter")
        try tmux.wait(for: "the first kill to end") { $0.contains("EXIT 1") }
        for (namespace, (closeWait, established)) in zip(namespaces, before) {
            try Self.expectUntouched(namespace, closeWait: closeWait, established: established)
        }
        try tmux.wait(for: "the question again") { $0.filter { $0.hasPrefix(question) }.count == 2 }
        try tmux.send("y")
        try tmux.send("Enter")
        let confirmed = try tmux.wait(for: "the second kill to end") { $0.contains("EXIT 0") }
        #expect(confirmed.filter { $0.hasPrefix("killed ") }.count == count, "\(confirmed)")
        for (namespace, (_, established)) in zip(namespaces, before) {
            #expect(try namespace.closeWait().isEmpty && namespace.established() == established, "\(namespace.name)")
        }
    }

    @Test("LISTEN is killed only when --state names it")
    func listenersOnlyByName() throws {
        let namespace = try KillNamespace(count: 1)
        defer { namespace.tearDown() }
        let listener = "LISTEN 127.0.0.1:\(Self.port + 1) 0.0.0.0:*"
        let all = try namespace.kill(["--local-port", "\(Self.port + 1)", "--state", "all", "--dry-run"])
        #expect(!all.stdout.contains("LISTEN"), "\(all)")
        let named = try namespace.kill(["--local-port", "\(Self.port + 1)", "--state", "listen", "--yes"])
        #expect(named.termination == .exited(0), "\(named)")
        #expect(named.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ").prefix(2) }
                == [["killed", "LISTEN"]], "\(named)")
        #expect(try !namespace.ss().contains(listener))
        #expect(try namespace.established().count == 2, "its accepted connections live on")
    }

    @Test("unprivileged: exit 1, one line naming CAP_NET_ADMIN, nothing killed",
          .enabled(if: TestEnvironment.hasSetpriv, "needs setpriv"))
    func unprivileged() throws {
        let namespace = try KillNamespace()
        defer { namespace.tearDown() }
        let closeWait = try namespace.closeWait()
        let established = try namespace.established()
        let copy = try UnprivilegedCopy.path(of: namespace.tcpstates) { try namespace.run($0) }
        defer { UnprivilegedCopy.remove(copy, original: namespace.tcpstates) }
        let result = try namespace.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                        "--inh-caps=-all", "--bounding-set=-all",
                                        copy, "kill", "--port", "\(Self.port)", "--yes"])
        #expect(result.termination == .exited(1), "\(result)")
        #expect(result.stderrIsOneLine && result.stderr.contains("CAP_NET_ADMIN") && result.stdout.isEmpty, "\(result)")
        let everywhere = try namespace.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                            "--inh-caps=-all", "--bounding-set=-all",
                                            copy, "kill", "--all-netns", "--port", "\(Self.port)", "--yes"])
        #expect(everywhere.termination == .exited(1), "\(everywhere)")
        #expect(everywhere.stderrIsOneLine && everywhere.stderr.contains("CAP_NET_ADMIN") && everywhere.stdout.isEmpty,
                "\(everywhere)")
        // The dry run needs no privileges.
        let dryRun = try namespace.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                        copy, "kill", "--port", "\(Self.port)", "--dry-run"])
        #expect(dryRun.termination == .exited(0) && dryRun.stdout.contains("dry-run "), "\(dryRun)")
        try Self.expectUntouched(namespace, closeWait: closeWait, established: established)
    }

    @Test("CAP_NET_ADMIN of another user namespace: the kernel's EPERM stops it at once, nothing killed",
          .enabled(if: Subprocess.which("unshare") != nil, "needs unshare"))
    func kernelRefusal() throws {
        let namespace = try KillNamespace()
        defer { namespace.tearDown() }
        let closeWait = try namespace.closeWait()
        let established = try namespace.established()
        // Root of a new user namespace holds every capability there, not in the network namespace's owner.
        let result = try namespace.run(["unshare", "--user", "--map-root-user",
                                        namespace.tcpstates, "kill", "--port", "\(Self.port)", "--yes"])
        #expect(result.termination == .exited(1), "\(result)")
        #expect(result.stderrIsOneLine && result.stderr.contains("CAP_NET_ADMIN") && result.stdout.isEmpty, "\(result)")
        try Self.expectUntouched(namespace, closeWait: closeWait, established: established)
    }

    @Test("on a terminal it lists and asks: n kills nothing, y kills",
          .enabled(if: Subprocess.which("tmux") != nil, "needs tmux"))
    func terminalConfirmation() throws {
        let namespace = try KillNamespace(count: 2)
        defer { namespace.tearDown() }
        let closeWait = try namespace.closeWait()
        let established = try namespace.established()
        let kill = "ip netns exec \(namespace.name) \(namespace.tcpstates) kill --local-port \(Self.port) -s close-wait"
        // The same kill twice: answered n, then y.
        let tmux = try TmuxSession(width: 100, height: 40) { _ in
            "sh -c '\(kill); echo \"EXIT $?\"; \(kill); echo \"EXIT $?\"; exec sleep 600'"
        }
        defer { tmux.stop() }
        let question = "Kill these \(closeWait.count) sockets? [y/N]"
        let first = try tmux.wait(for: "the question") { $0.contains { $0.hasPrefix(question) } }
        #expect(first.filter { $0.hasPrefix("CLOSE_WAIT ") }.count == closeWait.count, "the sockets are listed first")
        try Self.expectUntouched(namespace, closeWait: closeWait, established: established)
        try tmux.send("n")
        try tmux.send("Enter")
        let declined = try tmux.wait(for: "the first kill to end") { $0.contains("EXIT 1") }
        #expect(declined.contains { $0.contains("not confirmed; nothing was killed") })
        try Self.expectUntouched(namespace, closeWait: closeWait, established: established)

        try tmux.wait(for: "the question again") { $0.filter { $0.hasPrefix(question) }.count == 2 }
        try tmux.send("y")
        try tmux.send("Enter")
        let confirmed = try tmux.wait(for: "the second kill to end") { $0.contains("EXIT 0") }
        #expect(confirmed.filter { $0.hasPrefix("killed ") }.count == closeWait.count)
        #expect(try namespace.closeWait().isEmpty)
        #expect(try namespace.established() == established)
        #expect(try namespace.errors().closeWait == Array(repeating: "ECONNABORTED", count: closeWait.count))
    }
}
