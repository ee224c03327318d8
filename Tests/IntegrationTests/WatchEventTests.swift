import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `tcpstates --watch` as NDJSON, against real connections in a private namespace.
@Suite(
    "watch events from real connections",
    .serialized,
    .enabled(if: TestEnvironment.isRoot, "needs root (ip netns)"),
    .enabled(if: Subprocess.which("ip") != nil, "needs ip in PATH")
)
struct WatchEventTests {
    @Test("a scripted lifecycle yields present, open, change and close in order for each side")
    func lifecycleOfOneConnection() throws {
        let namespace = try LifecycleNamespace(port: 7100)
        defer { namespace.tearDown() }
        let watch = try namespace.watch(["--interval", "0.2", "--port", "7100"])
        defer { watch.process.stop() }
        let listener = "127.0.0.1:7100"
        try watch.wait(for: "the listener") { $0.contains { $0.event == "present" && $0.local == listener } }

        let connected = try namespace.command("connect")
        try #require(connected.count == 3 && connected[0] == "CONNECTED", "\(connected)")
        let (client, server) = (connected[1], connected[2])
        func last(_ local: String, _ remote: String, in events: [WatchEventLine]) -> WatchEventLine? {
            events.last { $0.local == local && $0.remote == remote }
        }
        try watch.wait(for: "both sides ESTABLISHED") {
            last(client, server, in: $0)?.state == "ESTABLISHED" && last(server, client, in: $0)?.state == "ESTABLISHED"
        }
        #expect(try namespace.command("close-client") == ["CLIENT-CLOSED"])
        try watch.wait(for: "FIN_WAIT_2 and CLOSE_WAIT") {
            last(client, server, in: $0)?.state == "FIN_WAIT_2" && last(server, client, in: $0)?.state == "CLOSE_WAIT"
        }
        #expect(try namespace.command("close-server") == ["SERVER-CLOSED"])
        try watch.wait(for: "TIME_WAIT and the server's close") {
            last(client, server, in: $0)?.state == "TIME_WAIT" && last(server, client, in: $0)?.event == "close"
        }

        let clientEvents = watch.of(local: client, remote: server).map { "\($0.event) \($0.previous ?? "-") \($0.state)" }
        #expect(clientEvents == ["open - ESTABLISHED", "change ESTABLISHED FIN_WAIT_2", "change FIN_WAIT_2 TIME_WAIT"])
        let serverEvents = watch.of(local: server, remote: client).map { "\($0.event) \($0.previous ?? "-") \($0.state)" }
        #expect(serverEvents == ["open - ESTABLISHED", "change ESTABLISHED CLOSE_WAIT", "close CLOSE_WAIT CLOSED"])
        #expect(watch.of(local: listener, remote: "0.0.0.0:0").map(\.event) == ["present"])
        #expect(watch.unparsed.isEmpty, "\(watch.unparsed)")
    }

    @Test("a connection living 10 ms between two polls 5 s apart still yields its close")
    func shortConnectionBetweenPolls() throws {
        let namespace = try LifecycleNamespace(port: 7101)
        defer { namespace.tearDown() }
        let watch = try namespace.watch(["--interval", "5", "--port", "7101"])
        defer { watch.process.stop() }
        try watch.wait(for: "the listener") { $0.contains { $0.event == "present" && $0.local == "127.0.0.1:7101" } }
        let flashed = try namespace.command("flash")
        try #require(flashed.count == 3 && flashed[0] == "FLASHED", "\(flashed)")
        let (client, server) = (flashed[1], flashed[2])
        try watch.wait(for: "the server side's close") {
            $0.contains { $0.event == "close" && $0.local == server && $0.remote == client }
        }
        let close = try #require(watch.of(local: server, remote: client).last)
        #expect(close.state == "CLOSED")
        // No poll ever saw it: the close came from the kernel's destroy message alone.
        #expect(close.previous == nil)
        #expect(watch.of(local: server, remote: client).count == 1)
    }

    @Test("a reader that goes away (`| head -1`) ends the watch without waiting for a refresh")
    func endsWhenTheReaderGoesAway() throws {
        let namespace = try LifecycleNamespace(port: 7104)
        defer { namespace.tearDown() }
        // A refresh a minute away: only noticing the closed pipe can end it sooner.
        let process = try ChildProcess(["ip", "netns", "exec", namespace.name, "sh", "-c",
                                        "\"$0\" --watch --interval 60 --port 7104 | head -1", namespace.tcpstates])
        defer { process.stop() }
        // stderr stays open until tcpstates itself has ended.
        let output = try process.collect(until: .now + .seconds(30))
        #expect(process.wait(timeout: .seconds(5)) == .exited(0))
        let lines = output.stdout.split(separator: "\n")
        #expect(lines.count == 1 && WatchEventLine(lines[0])?.local == "127.0.0.1:7104", "\(output)")
        #expect(output.stderr.isEmpty, "\(output.stderr)")
    }

    @Test("polling /proc alone says so once and still reports changes")
    func procPollingSaysSo() throws {
        let namespace = try LifecycleNamespace(port: 7102)
        defer { namespace.tearDown() }
        let watch = try namespace.watch(["--interval", "0.2", "--port", "7102", "--source", "proc"])
        try watch.wait(for: "the listener") { $0.contains { $0.event == "present" && $0.local == "127.0.0.1:7102" } }
        let connected = try namespace.command("connect")
        try watch.wait(for: "the connection") { $0.contains { $0.event == "open" && $0.local == connected[1] } }
        #expect(try namespace.command("close-client") == ["CLIENT-CLOSED"])
        #expect(try namespace.command("close-server") == ["SERVER-CLOSED"])
        try watch.wait(for: "the server side's close") {
            $0.contains { $0.event == "close" && $0.local == connected[2] }
        }
        watch.process.stop()
        let rest = try watch.process.collect(until: .now + .seconds(5))
        let stderr = watch.stderr + rest.stderr
        let notices = stderr.split(separator: "\n")
        #expect(notices.count == 1 && notices[0].hasPrefix("tcpstates: ") && notices[0].contains("polling only"),
                "\(stderr)")
    }

    @Test("without netlink it polls /proc and says so; with --source netlink it fails with one line",
          .enabled(if: TestEnvironment.hasStrace, "needs strace"))
    func withoutNetlink() throws {
        let namespace = try LifecycleNamespace(port: 7103)
        defer { namespace.tearDown() }
        let noNetlink = RealSockets.Robustness.noNetlink
        let watch = try namespace.watch(["--interval", "0.2", "--port", "7103"], wrapper: noNetlink)
        try watch.wait(for: "the listener") { $0.contains { $0.event == "present" && $0.local == "127.0.0.1:7103" } }
        let connected = try namespace.command("connect")
        try watch.wait(for: "the connection") { $0.contains { $0.event == "open" && $0.local == connected[1] } }
        // strace blocks SIGTERM and, killed, would leave its tracee running: end tcpstates itself.
        let children = (try? String(contentsOfFile: "/proc/\(watch.process.pid)/task/\(watch.process.pid)/children",
                                    encoding: .utf8)) ?? ""
        for child in children.split(separator: " ").compactMap({ pid_t($0) }) { kill(child, SIGTERM) }
        let stderr = watch.stderr + (try watch.process.collect(until: .now + .seconds(5))).stderr
        watch.process.stop()
        #expect(stderr.contains("/proc") && stderr.contains("polling only"), "\(stderr)")
        #expect(Set(stderr.split(separator: "\n")).count == stderr.split(separator: "\n").count, "a notice repeated")

        let result = try Subprocess.run(["ip", "netns", "exec", namespace.name] + noNetlink
            + [namespace.tcpstates, "--watch", "--source", "netlink"])
        #expect(result.termination == .exited(1), "\(result)")
        #expect(result.stderrIsOneLine && result.stdout.isEmpty, "\(result)")
    }
}

@Suite("watch usage errors")
struct WatchUsageTests {
    @Test("bad --interval values and combinations that make no sense exit 64 with one line",
          arguments: [["--watch", "--interval", "0.05"], ["--watch", "--interval", "abc"],
                      ["--watch", "--interval", "nan"], ["--watch", "--interval", "-1"], ["--interval", "2"],
                      ["--watch", "--no-header"], ["-w", "--interval"], ["--watch", "--interval", "\u{1B}[2J"]])
    func usageErrors(arguments: [String]) throws {
        let result = try Subprocess.run([try TestEnvironment.binary("tcpstates")] + arguments)
        #expect(result.termination == .exited(64), "\(result)")
        #expect(result.stderrIsOneLine && result.stderr.hasPrefix("tcpstates: "), "\(result)")
        #expect(!result.stderr.contains("\u{1B}"), "escape sequences from arguments reach the terminal")
        #expect(result.stdout.isEmpty)
    }
}
