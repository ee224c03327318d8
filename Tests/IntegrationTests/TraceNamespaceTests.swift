import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension TraceTests {
    /// The `netns` member of each NDJSON line: its name, `net:[INODE]` for
    /// an unnamed one, or nil when unknown (null).
    static func namespaceNames(_ ndjson: String) throws -> [String?] {
        try ndjson.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard let netns = object["netns"] as? [String: Any] else { return nil }
            return netns["name"] as? String ?? "net:[\(netns["inode"] as? Int ?? 0)]"
        }
    }

    /// The tracer runs in the host's namespace; every socket lives in another.
    /// Orphaned client closes (FIN_WAIT_2 minisocks) must still reach
    /// TIME_WAIT, looked up in the sockets' own namespace, and every arrow names it.
    @Test("traced from the host, a burst in another namespace gives libbpf-tools' arrows plus FIN_WAIT_2 -> TIME_WAIT, each naming its namespace")
    func hostTracesAnotherNamespace() throws {
        let namespace = try TraceNamespace()
        defer { namespace.delete() }
        _ = try namespace.run(["ip", "link", "set", "lo", "up"])
        let port = TraceNamespace.basePort(2)
        let connections = 300
        let arrows = 10 * connections + 2
        let ours = try ChildProcess([try TestEnvironment.binary("tcpstates"), "trace", "--json", "--port", "\(port)",
                                     "--count", "\(arrows)", "--duration", "120"])
        _ = try TraceFS.waitUntilArmed(pid: ours.pid)
        let theirFile = NSTemporaryDirectory() + "tcpstates-libbpf-\(getpid())-\(port).txt"
        defer { try? FileManager.default.removeItem(atPath: theirFile) }
        let theirs = LibbpfTcpstates.isAvailable ? try LibbpfTcpstates.start(output: theirFile) : nil
        let burst = try namespace.run([try TestEnvironment.binary("tcpstates-testpeer"), "burst",
                                       "--port", "\(port)", "--connections", "\(connections)"])
        try #require(burst.termination == .exited(0), "\(burst)")
        let output = try ours.collect(until: .now + .seconds(120))
        #expect(ours.wait(timeout: .seconds(5)) == .exited(0), "\(output.stderr)")
        #expect(output.stderr.hasPrefix("tcpstates: \(arrows) transitions shown") && output.stderr.contains("lost none"),
                "\(output.stderr)")
        let events = try TraceEvent.parse(output.stdout)
        #expect(events.count == arrows)
        let names = try Self.namespaceNames(output.stdout)
        #expect(names.allSatisfy { $0 == nil || $0 == namespace.name }, "never another namespace: \(Set(names))")
        // Every orphaned client close reaches TIME_WAIT in the burst's
        // namespace, and a connection's arrows name it. The listener's may be
        // unknown: the kernel reports listen() before it hashes the socket, so
        // a lookup made at once can miss it. Under the load of a full
        // `make test` a few connections (3 of 300 once) stayed unknown, their
        // close shown as the kernel said: unknown, never guessed; allow 2%.
        let closes = zip(events, names).filter { $0.0.previousState == "FIN_WAIT_2" }
        #expect(closes.count == connections)
        let inferred = closes.filter { $0.0.state == "TIME_WAIT" && $0.1 == namespace.name }
        #expect(inferred.count * 50 >= connections * 49, "\(inferred.count) of \(connections) closes reached TIME_WAIT")
        #expect(closes.allSatisfy { $0.0.state == "TIME_WAIT" || $0.1 == nil }, "a CLOSED arrow only when the namespace is unknown")
        let unnamed = zip(events, names).filter { $0.1 == nil && $0.0.remote.port != 0 }
        #expect(unnamed.count * 50 <= arrows, "\(unnamed.count) connection arrows unknown: \(unnamed.prefix(3).map { "\($0.0)" })")

        guard let theirs else { return }
        usleep(300_000)
        kill(theirs.pid, SIGINT)
        let theirErrors = try theirs.collect(until: .now + .seconds(20)).stderr
        theirs.wait(timeout: .seconds(5))
        var unmatched = events.map(\.kernelArrow)
        var missing: [String] = []
        for arrow in LibbpfTcpstates.arrows(try String(contentsOfFile: theirFile, encoding: .utf8), ports: [port]) {
            if let index = unmatched.firstIndex(of: arrow) { unmatched.remove(at: index) } else { missing.append(arrow) }
        }
        #expect(missing.isEmpty, "libbpf-tools saw arrows tcpstates did not: \(missing.prefix(5))")
        // It may lose some at full churn (it says so on stderr); what it showed, we showed.
        if !unmatched.isEmpty {
            withKnownIssue("libbpf-tools missed \(unmatched.count) arrows (its stderr: \(theirErrors.prefix(200)))",
                           isIntermittent: true) {
                #expect(unmatched.isEmpty)
            }
        }
    }
}
