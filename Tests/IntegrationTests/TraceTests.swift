import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `tcpstates trace` against the kernel: a scripted workload in a private
/// namespace, traced by tcpstates (and libbpf-tools' tcpstates when it runs).
/// The tracepoint is machine-wide, so each test filters on its own ports.
@Suite(
    "tcpstates trace against real transitions",
    .serialized,
    .enabled(if: TestEnvironment.isRoot, "needs root (tracefs, ip netns, nftables)"),
    .enabled(if: TestEnvironment.hasNamespaceTools && Subprocess.which("unshare") != nil,
             "needs ip, nft, ss and unshare in PATH")
)
struct TraceTests {
    /// Every socket's walk through the diagram in the lifecycle workload, by name.
    static let expectedWalks: [String: [String]] = [
        "listener": ["CLOSED", "LISTEN", "CLOSED"],
        "client": ["CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"],
        "server": ["LISTEN", "SYN_RCVD", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"],
        "simultaneous client": ["CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "CLOSING", "TIME_WAIT"],
        "simultaneous server": ["LISTEN", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"],
    ]
    /// 2 listeners x 2 arrows + 6 connected sockets x 5 arrows.
    static let lifecycleArrows = 34

    /// The peer's report: which endpoints each socket of the workload had.
    static func walksExpected(from peer: String, family: String) throws -> [String: [String]] {
        var expected: [String: [String]] = [:]
        for line in peer.split(separator: "\n") {
            let f = line.split(separator: " ").map(String.init)
            if f.first == "LISTENER", f.count == 2 {
                expected["\(f[1]) \(family == "ipv6" ? "[::]:0" : "0.0.0.0:0")"] = expectedWalks["listener"]
            } else if f.first == "CONNECTION", f.count == 4 {
                let prefix = f[1] == "simultaneous" ? "simultaneous " : ""
                expected["\(f[2]) \(f[3])"] = expectedWalks[prefix + "client"]
                expected["\(f[3]) \(f[2])"] = expectedWalks[prefix + "server"]
            }
        }
        guard expected.count == 8, peer.hasSuffix("DONE\n") else {
            throw SubprocessError(description: "unexpected report from the peer:\n\(peer)")
        }
        return expected
    }

    /// Each socket's walk, keyed `local remote`; records an issue for a broken chain.
    static func walks(_ events: [TraceEvent]) -> [String: [String]] {
        var walks: [String: [String]] = [:]
        for event in events {
            let key = "\(event.local.endpoint) \(event.remote.endpoint)"
            if let walk = walks[key] {
                #expect(walk.last == event.previousState, "chain broken at \(event)")
                walks[key]!.append(event.state)
            } else {
                walks[key] = [event.previousState, event.state]
            }
        }
        return walks
    }

    @Test("a scripted lifecycle shows every arrow of the diagram, per socket, with owners and filters",
          arguments: ["ipv4", "ipv6"])
    func lifecycle(_ family: String) throws {
        let namespace = try TraceNamespace()
        defer { namespace.delete() }
        let port = TraceNamespace.basePort(family == "ipv4" ? 0 : 5)
        let tcpstates = try TestEnvironment.binary("tcpstates")
        let all = try namespace.start([tcpstates, "trace", "--json", "--port", "\(port),\(port + 1)",
                                       family == "ipv4" ? "-4" : "-6",
                                       "--count", "\(Self.lifecycleArrows)", "--duration", "60"])
        let closing = try namespace.start([tcpstates, "trace", "--json", "--port", "\(port + 1)",
                                           "--state", "closing", "--count", "2", "--duration", "60"])
        let allFilter = try TraceFS.waitUntilArmed(pid: all.pid)
        #expect(allFilter.contains("sport == \(port)") && allFilter.contains("dport == \(port + 1)")
            && allFilter.contains("family == \(family == "ipv4" ? 2 : 10)"), "\(allFilter)")
        #expect(try TraceFS.waitUntilArmed(pid: closing.pid)
            == "protocol == 6 && (sport == \(port + 1) || dport == \(port + 1))")

        let peer = try namespace.start([try TestEnvironment.binary("tcpstates-testpeer"), "trace-lifecycle", "--port", "\(port)"]
                                       + (family == "ipv6" ? ["--ipv6"] : []))
        let peerOutput = try peer.collect(until: .now + .seconds(60))
        #expect(peer.wait(timeout: .seconds(5)) == .exited(0), "\(peerOutput.stderr)")
        let expected = try Self.walksExpected(from: peerOutput.stdout, family: family)

        let output = try all.collect(until: .now + .seconds(60))
        #expect(all.wait(timeout: .seconds(5)) == .exited(0), "\(output.stderr)")
        #expect(output.stderr.hasPrefix("tcpstates: \(Self.lifecycleArrows) transitions shown"), "\(output.stderr)")
        let events = try TraceEvent.parse(output.stdout)
        #expect(Self.walks(events) == expected)
        for event in events {
            #expect(event.event == "change" && event.source == "trace" && event.family == family)
            #expect([port, port + 1].contains(event.local.port) || [port, port + 1].contains(event.remote.port))
            #expect((event.stateSeenThrough == "sock_diag") == (event.state == "TIME_WAIT"), "\(event)")
            // The peer's own calls run in its context; the handshake's server side runs in softirq.
            if event.previousState == "CLOSED" || event.state == "FIN_WAIT_1" && event.previousState == "ESTABLISHED" {
                #expect(event.pid == Int(peer.pid) && event.command == "tcpstates-testp", "\(event)")
            }
            if event.previousState == "LISTEN" && event.state == "SYN_RCVD" {
                #expect(event.pid == nil && event.command == nil, "\(event)")
            }
            #expect(event.command.map { !$0.hasPrefix("ksoftirqd") && !$0.hasPrefix("kworker") } ?? true, "\(event)")
        }
        // Time in state: unknown for each socket's first arrow, measured for the rest.
        var seen: Set<String> = []
        for event in events {
            let key = "\(event.local.endpoint) \(event.remote.endpoint)"
            #expect((event.stateMs == nil) == !seen.contains(key), "\(event)")
            #expect((event.stateMs ?? 0) >= 0)
            seen.insert(key)
        }

        let closingOutput = try closing.collect(until: .now + .seconds(30))
        #expect(closing.wait(timeout: .seconds(5)) == .exited(0), "\(closingOutput.stderr)")
        let closingArrows = try TraceEvent.parse(closingOutput.stdout).map { "\($0.previousState)->\($0.state)" }
        #expect(closingArrows == ["FIN_WAIT_1->CLOSING", "CLOSING->TIME_WAIT"])
    }

    @Test("libbpf-tools' tcpstates sees the same kernel arrows per socket",
          .enabled(if: LibbpfTcpstates.isAvailable, "needs libbpf-tools (/usr/sbin/tcpstates), BTF, stdbuf"))
    func sameAsLibbpfTools() throws {
        let namespace = try TraceNamespace()
        defer { namespace.delete() }
        let port = TraceNamespace.basePort(3)
        let ours = try namespace.start([try TestEnvironment.binary("tcpstates"), "trace", "--json",
                                        "--port", "\(port),\(port + 1)", "--count", "\(Self.lifecycleArrows)",
                                        "--duration", "60"])
        _ = try TraceFS.waitUntilArmed(pid: ours.pid)
        let theirFile = NSTemporaryDirectory() + "tcpstates-libbpf-\(getpid())-\(port).txt"
        defer { try? FileManager.default.removeItem(atPath: theirFile) }
        let theirs = try LibbpfTcpstates.start(output: theirFile)
        let peer = try namespace.run([try TestEnvironment.binary("tcpstates-testpeer"), "trace-lifecycle", "--port", "\(port)"])
        try #require(peer.termination == .exited(0), "\(peer)")
        let output = try ours.collect(until: .now + .seconds(60))
        usleep(300_000)
        kill(theirs.pid, SIGINT)
        let theirErrors = try theirs.collect(until: .now + .seconds(20)).stderr
        theirs.wait(timeout: .seconds(5))
        let ourArrows = try TraceEvent.parse(output.stdout).map(\.kernelArrow)
        #expect(ourArrows.count == Self.lifecycleArrows)
        let theirArrows = LibbpfTcpstates.arrows(try String(contentsOfFile: theirFile, encoding: .utf8),
                                                 ports: [port, port + 1])
        // Whatever it saw, we saw too.
        var unmatched = ourArrows
        for arrow in theirArrows {
            if let index = unmatched.firstIndex(of: arrow) {
                unmatched.remove(at: index)
            } else {
                Issue.record("libbpf-tools saw an arrow tcpstates did not: \(arrow)")
            }
        }
        // It can miss some: it traces the whole machine and may lose events to a
        // full buffer (it says so) or, without a word, when its BPF program is
        // already running on that CPU as the tracepoint fires again (a softirq).
        #expect(unmatched.count <= 3, "libbpf-tools missed too much to be chance: \(unmatched)")
        if !unmatched.isEmpty {
            withKnownIssue("libbpf-tools missed \(unmatched) (its stderr: \(theirErrors))", isIntermittent: true) {
                #expect(unmatched.isEmpty)
            }
        }
    }

    /// close() on a socket that already sent its FIN makes the kernel set the
    /// state it already has (tcp_close_state): FIN_WAIT_2 -> FIN_WAIT_2 here.
    @Test("a close() after shutdown() is counted as a same-state change, not shown, and keeps the time in FIN_WAIT_2")
    func sameStateChangeCounted() throws {
        let namespace = try TraceNamespace()
        defer { namespace.delete() }
        let port = TraceNamespace.basePort(4)
        // Client: 5 arrows (the last seen through sock_diag), server: 5, listener: 2.
        let arrows = 12
        let tracer = try namespace.start([try TestEnvironment.binary("tcpstates"), "trace", "--json",
                                          "--port", "\(port)", "--count", "\(arrows)", "--duration", "60"])
        _ = try TraceFS.waitUntilArmed(pid: tracer.pid)
        _ = try namespace.run(["ip", "link", "set", "lo", "up"])
        let peer = try namespace.run([try TestEnvironment.binary("tcpstates-testpeer"), "close-after-shutdown",
                                      "--port", "\(port)"])
        try #require(peer.termination == .exited(0), "\(peer)")
        let output = try tracer.collect(until: .now + .seconds(60))
        #expect(tracer.wait(timeout: .seconds(5)) == .exited(0), "\(output.stderr)")
        #expect(output.stderr.hasPrefix("tcpstates: \(arrows) transitions shown, \(arrows + 1) events read; "), "\(output.stderr)")
        #expect(output.stderr.hasSuffix("; 1 same-state change (close() after shutdown()) not shown\n"), "\(output.stderr)")
        let events = try TraceEvent.parse(output.stdout)
        #expect(events.allSatisfy { $0.previousState != $0.state }, "\(events)")
        let client = "127.0.0.1:\(port + 100)"
        let walk = events.filter { $0.local.endpoint.description == client }.map(\.state)
        #expect(walk == ["SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"], "\(events)")
        // The peer waits 100 ms in FIN_WAIT_2 before close(): the same-state change did not restart the clock.
        let last = try #require(events.last { $0.local.endpoint.description == client })
        #expect(last.previousState == "FIN_WAIT_2" && last.state == "TIME_WAIT", "\(last)")
        #expect((last.stateMs ?? 0) >= 100, "\(last)")
    }
}
