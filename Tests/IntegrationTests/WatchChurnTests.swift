import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `tcpstates --watch` under loopback churn in a private namespace, against
/// the kernel's own count of destroy messages (DestroyTruth).
@Suite(
    "watch under churn",
    .serialized,
    .enabled(if: TestEnvironment.isRoot, "needs root (ip netns)"),
    .enabled(if: Subprocess.which("ip") != nil, "needs ip in PATH")
)
struct WatchChurnTests {
    static let port: UInt16 = 7350
    /// A listener here shows that the watch has made its first poll (and so has subscribed).
    static let sentinelPort: UInt16 = 7351
    /// Connections held open through the churn.
    static let heldPort: UInt16 = 7352

    /// A fresh namespace `tcpst-churn-<pid>-<n>` with loopback up.
    final class ChurnNamespace {
        let name = "tcpst-churn-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        /// The namespace `name` was made from, when it has a hash of its own.
        private var parent: String?
        private var children: [ChildProcess] = []

        /// `hashBuckets`: the namespace gets a TCP hash of its own with that
        /// many buckets (net.ipv4.tcp_child_ehash_entries, read from the
        /// namespace that makes it), so its sockets share long chains.
        init(portRange: String? = nil, hashBuckets: Int? = nil) throws {
            if let hashBuckets {
                let parent = name + "-p"
                let add = try Subprocess.run(["ip", "netns", "add", parent])
                guard add.termination == .exited(0) else { throw SubprocessError(description: "cannot create \(parent): \(add)") }
                self.parent = parent
                do {
                    _ = try Self.check(["ip", "netns", "exec", parent, "sysctl", "-qw", "net.ipv4.tcp_child_ehash_entries=\(hashBuckets)"])
                    // Made from within the parent (nsenter changes no mount namespace, so the bind mount is everyone's).
                    let file = open("/run/netns/\(name)", O_CREAT | O_WRONLY | O_CLOEXEC, 0o444)
                    guard file >= 0 else { throw SubprocessError(description: "cannot create /run/netns/\(name): errno \(errno)") }
                    close(file)
                    _ = try Self.check(["nsenter", "--net=/run/netns/\(parent)", "unshare", "--net=/run/netns/\(name)", "true"])
                    let buckets = try check(["sysctl", "-n", "net.ipv4.tcp_ehash_entries"]).stdout
                    guard buckets.trimmingCharacters(in: .whitespacesAndNewlines) == "\(hashBuckets)" else {
                        throw SubprocessError(description: "\(name) has \(buckets) hash buckets, not \(hashBuckets)")
                    }
                } catch {
                    tearDown()
                    throw error
                }
            } else {
                let add = try Subprocess.run(["ip", "netns", "add", name])
                guard add.termination == .exited(0) else { throw SubprocessError(description: "cannot create \(name): \(add)") }
            }
            do {
                _ = try check(["ip", "link", "set", "lo", "up"])
                if let portRange { _ = try check(["sysctl", "-qw", "net.ipv4.ip_local_port_range=\(portRange)"]) }
                let sentinel = try ChildProcess(["ip", "netns", "exec", name, try TestEnvironment.binary("tcpstates-testpeer"),
                                                 "listen", "\(WatchChurnTests.sentinelPort)"])
                children.append(sentinel)
                _ = try sentinel.collect(until: .now + .seconds(20)) { $0.hasPrefix("R") }
            } catch {
                tearDown()
                throw error
            }
        }

        @discardableResult
        func check(_ argv: [String]) throws -> CommandResult {
            try Self.check(["ip", "netns", "exec", name] + argv)
        }

        @discardableResult
        static func check(_ argv: [String]) throws -> CommandResult {
            let result = try Subprocess.run(argv)
            guard result.termination == .exited(0) else { throw SubprocessError(description: "\(argv): \(result)") }
            return result
        }

        /// `count` established connections on the held port, until tearDown.
        func hold(connections count: Int) throws {
            let holder = try ChildProcess(["ip", "netns", "exec", name, try TestEnvironment.binary("tcpstates-testpeer"),
                                           "hold", "--connections", "\(count)", "--port", "\(WatchChurnTests.heldPort)"])
            children.append(holder)
            _ = try holder.collect(until: .now + .seconds(30)) { $0.contains("READY") }
        }

        /// `tcpstates --watch --json` on the churn port and the sentinel's, once it has polled.
        func watch(_ extra: [String] = []) throws -> WatchFile {
            let path = "/tmp/\(name).ndjson"
            // A file, not a pipe: nobody reads during the churn, and a full pipe would stall the watch.
            // Niced, as the churn is: the suites running beside this one keep their share of the CPU.
            let process = try ChildProcess(["ip", "netns", "exec", name, "nice", "-n", "10", "sh", "-c", "exec \"$0\" \"$@\" > \(path)",
                                            try TestEnvironment.binary("tcpstates"), "--watch", "--json", "--interval", "0.5",
                                            "--port", "\(WatchChurnTests.port),\(WatchChurnTests.sentinelPort),\(WatchChurnTests.heldPort)"]
                                            + extra)
            children.append(process)
            let watch = WatchFile(path: path, process: process)
            try watch.wait(for: "the sentinel listener") {
                $0.contains { $0.event == "present" && $0.local == "127.0.0.1:\(WatchChurnTests.sentinelPort)" }
            }
            return watch
        }

        /// Churns on the port for `seconds`, `rate` a second or at full speed.
        func churn(seconds: Double, rate: Int?) throws -> String {
            try check(["nice", "-n", "19", try TestEnvironment.binary("tcpstates-testpeer"), "churn", "--port", "\(WatchChurnTests.port)",
                       "--seconds", "\(seconds)"] + (rate.map { ["--rate", "\($0)"] } ?? [])).stdout
        }

        func tearDown() {
            children.forEach { $0.stop() }
            unlink("/tmp/\(name).ndjson")
            _ = try? Subprocess.run(["ip", "netns", "del", name])
            if let parent { _ = try? Subprocess.run(["ip", "netns", "del", parent]) }
        }
    }

    /// A watch writing its events to a file.
    final class WatchFile {
        let path: String
        let process: ChildProcess
        private(set) var unparsed: [String] = []

        init(path: String, process: ChildProcess) {
            self.path = path
            self.process = process
        }

        /// The events written so far (a last unfinished line is left out).
        var events: [WatchEventLine] {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            let complete = text.hasSuffix("\n") ? lines[...] : lines.dropLast()
            var events: [WatchEventLine] = []
            unparsed = []
            for line in complete {
                if let event = WatchEventLine(line) { events.append(event) } else { unparsed.append(String(line)) }
            }
            return events
        }

        /// Polls the file until `done` holds; throws after `timeout`.
        func wait(for what: String, timeout: Duration = .seconds(30), _ done: ([WatchEventLine]) -> Bool) throws {
            let deadline = TestEnvironment.deadline(after: timeout)
            while true {
                let events = self.events
                if done(events) { return }
                guard ContinuousClock.now < deadline else {
                    throw SubprocessError(description: "no \(what) within \(timeout): \(events.suffix(5))")
                }
                usleep(200_000)
            }
        }

        /// Ends the watch (SIGTERM) and returns what it wrote on stderr.
        func stop() throws -> String {
            kill(process.pid, SIGTERM)
            return try process.collect(until: .now + .seconds(10)).stderr
        }
    }

    /// The ends of the churn's sockets that the watch printed.
    static func printedEnds(_ events: [WatchEventLine]) -> DestroyTruth.Counts {
        let port = ":\(Self.port)"
        var counts = DestroyTruth.Counts()
        for event in events {
            if event.local.hasSuffix(port) && !event.remote.hasSuffix(":0") {
                if event.event == "close" { counts.server += 1 }
            } else if event.remote.hasSuffix(port) {
                // A client socket ends in TIME_WAIT (a change, or an open when no poll saw it before) or closes without it.
                let intoTimeWait = event.state == "TIME_WAIT" && (event.event == "change" || event.event == "open")
                let closedOutright = event.event == "close" && event.previous != "TIME_WAIT"
                if intoTimeWait || closedOutright { counts.client += 1 }
            }
        }
        return counts
    }

    /// The arrows of the diagram, followed any number of steps without passing CLOSED.
    static let possibleChanges: [String: Set<String>] = {
        let after: [String: [String]] = [
            "CLOSED": ["LISTEN", "SYN_SENT"], "LISTEN": ["SYN_RCVD"], "SYN_SENT": ["SYN_RCVD", "ESTABLISHED"],
            "SYN_RCVD": ["ESTABLISHED"], "ESTABLISHED": ["FIN_WAIT_1", "CLOSE_WAIT"],
            "FIN_WAIT_1": ["FIN_WAIT_2", "CLOSING", "TIME_WAIT"], "FIN_WAIT_2": ["TIME_WAIT"], "CLOSING": ["TIME_WAIT"],
            "CLOSE_WAIT": ["LAST_ACK"], "LAST_ACK": [], "TIME_WAIT": [],
        ]
        var reachable: [String: Set<String>] = [:]
        for start in after.keys {
            var seen = Set<String>(), frontier = [start]
            while let state = frontier.popLast() {
                for next in after[state] ?? [] where seen.insert(next).inserted { frontier.append(next) }
            }
            reachable[start] = seen
        }
        return reachable
    }()

    static func impossibleChanges(_ events: [WatchEventLine]) -> [WatchEventLine] {
        events.filter { event in
            event.event == "change" && !(possibleChanges[event.previous ?? ""]?.contains(event.state) ?? false)
        }
    }

    static func lost(_ events: [WatchEventLine]) -> [WatchEventLine] { events.filter { $0.event == "lost" } }

    @Test("every socket end is printed once: closes and TIME_WAITs equal the kernel's destroy messages",
          arguments: [2000, nil] as [Int?])
    func endsEqualDestroyMessages(rate: Int?) throws {
        let namespace = try ChurnNamespace()
        defer { namespace.tearDown() }
        let truth = try DestroyTruth(namespace: namespace.name, port: Self.port)
        let watch = try namespace.watch()
        let churned = try namespace.churn(seconds: 3, rate: rate)
        // The last destroy messages and a poll after them.
        usleep(1_500_000)
        truth.stop()
        let expected = truth.current
        try #require(expected.overflows == 0, "the truth itself lost messages: \(expected)")
        try #require(expected.server > 100, "too little churn to prove anything: \(churned)")
        try? watch.wait(for: "every end") { Self.printedEnds($0) == DestroyTruth.Counts(server: expected.server, client: expected.client) }
        let events = watch.events
        let printed = Self.printedEnds(events)
        #expect(printed.server == expected.server, "\(churned)")
        #expect(printed.client == expected.client, "\(churned)")
        #expect(Self.lost(events).isEmpty, "\(Self.lost(events).prefix(3))")
        #expect(watch.unparsed.isEmpty, "\(watch.unparsed.prefix(3))")
        #expect(Self.impossibleChanges(events).isEmpty, "\(Self.impossibleChanges(events).prefix(5))")
    }

    @Test("a socket alive throughout the churn is never closed, though dumps read in pieces skip some (128 hash buckets)")
    func skippedSocketsAreNotClosed() throws {
        // Long hash chains: a socket freed ahead of a live one in its chain between two reads of a dump makes the
        // dump skip the live one. Before a miss waited for a second poll, this printed a close and an open for a
        // few of the held sockets in every run.
        let namespace = try ChurnNamespace(hashBuckets: 128)
        defer { namespace.tearDown() }
        try namespace.hold(connections: 1000)
        let watch = try namespace.watch()
        func held(_ events: [WatchEventLine]) -> [WatchEventLine] {
            events.filter { $0.local.hasSuffix(":\(Self.heldPort)") || $0.remote.hasSuffix(":\(Self.heldPort)") }
        }
        try watch.wait(for: "the held sockets") { held($0).count >= 2001 }
        let churned = try namespace.churn(seconds: 3, rate: nil)
        // Polls after the churn.
        usleep(1_500_000)
        let events = held(watch.events)
        #expect(events.count == 2001, "\(churned)")
        #expect(events.allSatisfy { $0.event == "present" }, "\(events.filter { $0.event != "present" }.prefix(6))")
    }

    @Test("a reused 4-tuple is a close then an open, never a change out of TIME_WAIT")
    func reusedTupleIsCloseAndOpen() throws {
        // Ten local ports: loopback reuses a TIME_WAIT tuple once it is a second old (tcp_tw_reuse = 2).
        let namespace = try ChurnNamespace(portRange: "40000 40009")
        defer { namespace.tearDown() }
        let watch = try namespace.watch(["--interval", "0.2"])
        _ = try namespace.churn(seconds: 3, rate: 20)
        usleep(1_000_000)
        let events = watch.events
        let clients = Dictionary(grouping: events.filter { $0.remote == "127.0.0.1:\(Self.port)" }, by: \.local)
        try #require(clients.values.contains { $0.filter { $0.event == "open" }.count >= 2 }, "no tuple was reused")
        for (tuple, events) in clients {
            // Each socket on the tuple: opened (or present) before it changes, closed before the next opens.
            var alive = false
            for event in events {
                switch event.event {
                case "open", "present":
                    #expect(!alive, "\(tuple) opened again before it closed: \(events)")
                    alive = true
                case "change":
                    #expect(alive, "\(tuple) changed before it opened: \(events)")
                case "close":
                    alive = false
                default:
                    Issue.record("unexpected event \(event)")
                }
            }
        }
        #expect(Self.impossibleChanges(events).isEmpty, "\(Self.impossibleChanges(events).prefix(5))")
    }

    @Test("a destroy buffer too small for the churn gives lost events and an exit line that counts them")
    func overflowIsNeverSilent() throws {
        let namespace = try ChurnNamespace()
        defer { namespace.tearDown() }
        let watch = try namespace.watch(["--destroy-buffer", "1024"])
        _ = try namespace.churn(seconds: 2, rate: nil)
        try watch.wait(for: "a lost event") { !Self.lost($0).isEmpty }
        let stderr = try watch.stop()
        let lost = Self.lost(watch.events)
        #expect(lost.allSatisfy { $0.what == "destroy-events" && $0.count == nil }, "\(lost)")
        #expect(stderr.contains("destroy events lost \(lost.count) time"), "\(stderr)")
    }
}
