import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension TraceTests {
    /// Starts `tcpstates trace` on a port nothing uses and waits until it is armed.
    static func startIdleTracer(_ namespace: TraceNamespace, extra: [String] = []) throws -> ChildProcess {
        let tracer = try namespace.start([try TestEnvironment.binary("tcpstates"), "trace",
                                          "--port", "\(TraceNamespace.basePort(7))"] + extra)
        _ = try TraceFS.waitUntilArmed(pid: tracer.pid)
        return tracer
    }

    @Test("SIGINT and SIGTERM end the trace with its summary and remove the instance",
          arguments: [SIGINT, SIGTERM])
    func signalRemovesInstance(_ signal: Int32) throws {
        let namespace = try TraceNamespace()
        defer { namespace.delete() }
        let tracer = try Self.startIdleTracer(namespace)
        #expect(try TraceFS.instanceExists(pid: tracer.pid))
        kill(tracer.pid, signal)
        let output = try tracer.collect(until: .now + .seconds(20))
        #expect(tracer.wait(timeout: .seconds(5)) == .exited(0), "\(output.stderr)")
        #expect(output.stderr == "tcpstates: 0 transitions shown, 0 events read; the kernel lost none\n")
        #expect(output.stdout.hasPrefix("TIME "), "the header, then nothing")
        #expect(try !TraceFS.instanceExists(pid: tracer.pid))
    }

    @Test("an instance left by kill -9 is removed by the next run")
    func staleInstanceRemoved() throws {
        let namespace = try TraceNamespace()
        defer { namespace.delete() }
        let killed = try Self.startIdleTracer(namespace)
        kill(killed.pid, SIGKILL)
        #expect(killed.wait(timeout: .seconds(5)) == .signaled(SIGKILL))
        #expect(try TraceFS.instanceExists(pid: killed.pid), "SIGKILL leaves the instance behind")
        let next = try namespace.run([try TestEnvironment.binary("tcpstates"), "trace", "--duration", "0.2",
                                      "--port", "\(TraceNamespace.basePort(7))", "--no-header"])
        #expect(next.termination == .exited(0), "\(next)")
        #expect(next.stdout.isEmpty && next.stderrIsOneLine, "\(next)")
        #expect(try !TraceFS.instanceExists(pid: killed.pid))
        let left = try TraceFS.shell("ls instances")
        #expect(!left.stdout.split(separator: "\n").contains { $0.hasPrefix("tcpstates-") && Self.isDead($0) },
                "\(left.stdout)")
    }

    @Test("tcpstates trace | head -1 ends once head is gone, leaving no instance")
    func pipeIntoHead() throws {
        let namespace = try TraceNamespace()
        defer { namespace.delete() }
        let result = try namespace.run(["sh", "-c", "\"$0\" trace --port \(TraceNamespace.basePort(7)) | head -1",
                                        try TestEnvironment.binary("tcpstates")])
        #expect(result.termination == .exited(0), "\(result)")
        #expect(result.stdout.hasPrefix("TIME ") && result.stdout.filter { $0 == "\n" }.count == 1, "\(result)")
        let left = try TraceFS.shell("ls instances")
        #expect(!left.stdout.split(separator: "\n").contains { $0.hasPrefix("tcpstates-") && Self.isDead($0) },
                "\(left.stdout)")
    }

    static func isDead(_ instance: Substring) -> Bool {
        guard let pid = pid_t(instance.dropFirst("tcpstates-".count)) else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    @Test("without root: one line naming --watch, exit 1",
          .enabled(if: TestEnvironment.hasSetpriv, "needs setpriv"))
    func unprivileged() throws {
        let namespace = try TraceNamespace()
        defer { namespace.delete() }
        let binary = try TestEnvironment.binary("tcpstates")
        let copy = try UnprivilegedCopy.path(of: binary, namespace: nil)
        defer { UnprivilegedCopy.remove(copy, original: binary) }
        let result = try namespace.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                        copy, "trace", "--duration", "1"])
        #expect(result.termination == .exited(1), "\(result)")
        #expect(result.stderrIsOneLine && result.stderr.contains("--watch"), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test("usage errors exit 64 with one line",
          arguments: [["--count", "0"], ["--duration", "-1"], ["--duration", "abc"], ["--duration", "0"],
                      ["--duration", "nan"], ["--duration", "inf"], ["--duration", "1e11"], ["--buffer-kb", "1"],
                      ["--port", "70000"], ["--state", "sideways"]])
    func usageErrors(_ arguments: [String]) throws {
        let result = try Subprocess.run([try TestEnvironment.binary("tcpstates"), "trace"] + arguments)
        #expect(result.termination == .exited(64), "\(result)")
        #expect(result.stderrIsOneLine && result.stdout.isEmpty, "\(result)")
    }

    @Test("a duration too long for poll's milliseconds (--duration 3000000) traces until stopped",
          arguments: ["3000000", "1e10"])
    func longDuration(_ seconds: String) throws {
        let namespace = try TraceNamespace()
        defer { namespace.delete() }
        let tracer = try Self.startIdleTracer(namespace, extra: ["--duration", seconds])
        usleep(1_200_000)  // past the first wake-up, where the old code trapped
        #expect(kill(tracer.pid, 0) == 0, "still tracing")
        kill(tracer.pid, SIGINT)
        let output = try tracer.collect(until: .now + .seconds(20))
        #expect(tracer.wait(timeout: .seconds(5)) == .exited(0), "\(output.stderr)")
        #expect(output.stderr == "tcpstates: 0 transitions shown, 0 events read; the kernel lost none\n")
        #expect(try !TraceFS.instanceExists(pid: tracer.pid))
    }

    /// The kernel refuses to remove an instance whose files are open (EBUSY),
    /// so another process cannot delete it under a running trace; what it can
    /// do is disable the event or the instance's tracing, and then the trace
    /// ends with one line and exit 1 instead of waiting forever.
    @Test("another process removing or disabling the instance ends the trace with one line, exit 1",
          arguments: ["events/sock/inet_sock_set_state/enable", "tracing_on"])
    func instanceTakenAway(_ file: String) throws {
        let namespace = try TraceNamespace()
        defer { namespace.delete() }
        let tracer = try Self.startIdleTracer(namespace)
        let instance = "instances/tcpstates-\(tracer.pid)"
        let removal = try TraceFS.shell("rmdir \(instance)")
        #expect(removal.termination != .exited(0) && removal.stderr.contains("busy"), "\(removal)")
        #expect(kill(tracer.pid, 0) == 0, "still tracing")
        let disable = try TraceFS.shell("echo 0 > \(instance)/\(file)")
        try #require(disable.termination == .exited(0), "\(disable)")
        let output = try tracer.collect(until: .now + .seconds(20))
        #expect(tracer.wait(timeout: .seconds(5)) == .exited(1), "\(output.stderr)")
        #expect(output.stderr.hasPrefix("tcpstates: another process ") && output.stderr.filter { $0 == "\n" }.count == 1,
                "\(output.stderr)")
        #expect(try !TraceFS.instanceExists(pid: tracer.pid), "the trace removes its instance on the way out")
    }

    @Test("a burst at full speed: events read plus events lost is every transition it made")
    func burstCountsLossHonestly() throws {
        let namespace = try TraceNamespace()
        defer { namespace.delete() }
        let port = TraceNamespace.basePort(2)
        let connections = 4000
        // A small buffer, so that a slow reader loses events and must say so.
        let tracer = try namespace.start(["sh", "-c", "exec \"$0\" trace --json --port \(port) --buffer-kb 64 >/dev/null",
                                          try TestEnvironment.binary("tcpstates")])
        _ = try TraceFS.waitUntilArmed(pid: tracer.pid)
        _ = try namespace.run(["ip", "link", "set", "lo", "up"])
        let burst = try namespace.run([try TestEnvironment.binary("tcpstates-testpeer"), "burst",
                                       "--port", "\(port)", "--connections", "\(connections)"])
        try #require(burst.termination == .exited(0), "\(burst)")
        usleep(200_000)
        kill(tracer.pid, SIGINT)
        let output = try tracer.collect(until: .now + .seconds(30))
        #expect(tracer.wait(timeout: .seconds(5)) == .exited(0), "\(output.stderr)")
        let numbers = output.stderr.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        try #require(numbers.count >= 2, "\(output.stderr)")
        let read = numbers[1]
        let lost = output.stderr.contains("lost none") ? 0 : (numbers.count >= 3 ? numbers[2] : -1)
        // 10 arrows a connection, 2 for the listener.
        #expect(read + lost == 10 * connections + 2, "\(output.stderr)")
    }
}
