import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The watch screen of the real binary in a real terminal (tmux), against
/// real connections in a private namespace.
@Suite(
    "watch screen in a terminal",
    .serialized,
    .enabled(if: TestEnvironment.isRoot, "needs root (ip netns)"),
    .enabled(if: ["ip", "ss", "tmux"].allSatisfy { Subprocess.which($0) != nil }, "needs ip, ss and tmux in PATH")
)
struct WatchTerminalTests {
    static let held = 20

    /// A watch on the namespace's port in tmux, between records of the terminal's modes.
    static func start(_ namespace: LifecycleNamespace, width: Int, height: Int, background: Bool = false,
                      options: String = "") throws -> TmuxSession {
        try TmuxSession(width: width, height: height) { dir in
            let watch = "ip netns exec \(namespace.name) \(namespace.tcpstates) -w --interval 1 -p \(namespace.port)"
                + (options.isEmpty ? "" : " \(options)")
            // In the background the shell would give it /dev/null as stdin: hand it the terminal explicitly.
            let run = background ? "exec 3<&0; \(watch) <&3 & echo $! > \(dir)/pid; wait $!" : watch
            return "sh -c 'stty -g > \(dir)/before; echo BEFORE-WATCH; \(run); echo \"EXIT $?\"; "
                + "stty -g > \(dir)/after; exec sleep 600'"
        }
    }

    /// The table rows on screen as `STATE LOCAL REMOTE`, marker and changed states kept.
    static func rows(_ screen: [String]) -> [(mark: Character, state: String, local: String, remote: String)] {
        guard let heading = screen.firstIndex(where: { $0.hasPrefix("  STATE") }) else { return [] }
        return screen[(heading + 1)...].prefix { !$0.hasPrefix("...") && $0 != "TRANSITIONS" }.compactMap { line in
            let fields = line.dropFirst(2).split(separator: " ").map(String.init)
            guard let mark = line.first else { return nil }
            let arrow = fields.count > 2 && fields[1] == "->"
            let rest = arrow ? Array(fields.dropFirst(2)) : fields
            guard rest.count >= 5 else { return nil }
            return (mark, arrow ? "\(fields[0]) -> \(rest[0])" : rest[0], rest[3], rest[4])
        }
    }

    static func countsLine(listeners: Int, established: Int, others: [(String, Int)] = []) -> String {
        var parts = ["\(listeners + established + others.map(\.1).reduce(0, +)) sockets", "LISTEN \(listeners)",
                     "ESTABLISHED \(established)"]
        parts += others.map { "\($0.0) \($0.1)" }
        return parts.joined(separator: "  ")
    }

    @Test("-P and -o put the one-shot table's PROCESS and TIMER columns on the screen, with the holder's pid")
    func screenHasTheListingsColumns() throws {
        let namespace = try LifecycleNamespace(port: 7230)
        defer { namespace.tearDown() }
        #expect(try namespace.command("open 1") == ["OPENED", "1"])
        let tmux = try Self.start(namespace, width: 140, height: 20, options: "-P -o")
        defer { tmux.stop() }
        let screen = try tmux.wait(for: "the listener and its connection with their process") { lines in
            lines.contains { $0.hasPrefix("  STATE") } && lines.filter { $0.contains("/tcpstates-testp") }.count == 3
        }
        let heading = try #require(screen.first { $0.hasPrefix("  STATE") })
        #expect(heading.split(separator: " ") == ["STATE", "RECV-Q", "SEND-Q", "LOCAL", "REMOTE", "TIMER", "PROCESS", "AGE"],
                "\(heading)")
        let oneShot = try Subprocess.run(["ip", "netns", "exec", namespace.name, namespace.tcpstates, "-P", "-p", "\(namespace.port)"])
        let owners = Set(oneShot.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").last.map(String.init) })
        for line in screen where line.contains("/tcpstates-testp") {
            #expect(owners.contains { line.contains($0) }, "\(line) names no owner of \(owners)")
        }
        try tmux.send("q")
    }

    @Test("rows appear and change on screen, counts agree with ss, resize re-lays out, End scrolls, q restores the terminal")
    func screenFollowsConnections() throws {
        let namespace = try LifecycleNamespace(port: 7200)
        defer { namespace.tearDown() }
        #expect(try namespace.command("open \(Self.held)") == ["OPENED", "\(Self.held)"])
        let tmux = try Self.start(namespace, width: 120, height: 60)
        defer { tmux.stop() }

        let first = try tmux.wait(for: "the counts of the held sockets") {
            $0.count > 1 && $0[1] == Self.countsLine(listeners: 1, established: 2 * Self.held)
        }
        #expect(try tmux.display("#{alternate_on}") == "1")
        let ss = try namespace.runSS()
        #expect(Self.rows(first).map { "\($0.state) \($0.local) \($0.remote)" }.sorted() == ss)
        #expect(Self.rows(first).allSatisfy { $0.mark == " " })

        let connected = try namespace.command("connect")
        let (client, server) = (connected[1], connected[2])
        let opened = try tmux.wait(for: "the new connection marked") { screen in
            Self.rows(screen).contains { $0.mark == "+" && $0.local == client && $0.state == "ESTABLISHED" }
        }
        #expect(Self.rows(opened).contains { $0.mark == "+" && $0.local == server && $0.remote == client })
        #expect(opened[1] == Self.countsLine(listeners: 1, established: 2 * Self.held + 2))

        #expect(try namespace.command("close-client") == ["CLIENT-CLOSED"])
        let changed = try tmux.wait(for: "both sides marked as changed") { screen in
            let rows = Self.rows(screen)
            return rows.contains { $0.mark == "*" && $0.local == client && $0.state == "ESTABLISHED -> FIN_WAIT_2" }
                && rows.contains { $0.mark == "*" && $0.local == server && $0.state == "ESTABLISHED -> CLOSE_WAIT" }
        }
        #expect(changed[1] == Self.countsLine(listeners: 1, established: 2 * Self.held,
                                              others: [("FIN_WAIT_2", 1), ("CLOSE_WAIT", 1)]))
        #expect(changed.contains("TRANSITIONS"))

        try tmux.resize(width: 70, height: 14)
        let small = try tmux.wait(for: "the layout for 70x14") { screen in
            screen.contains { $0.hasPrefix("... and ") }
        }
        #expect(small.count <= 14 && small.allSatisfy { $0.count <= 70 }, "\(small)")
        let more = try #require(small.first { $0.hasPrefix("... and ") })
        let hidden = try #require(Int(more.split(separator: " ")[2]))
        let total = try #require(Int(small[1].split(separator: " ")[0]))
        #expect(Self.rows(small).count + hidden == total, "\(small)")
        // FIN_WAIT_2 and CLOSE_WAIT sort last, below the window: End scrolls to them.
        #expect(!Self.rows(small).contains { $0.local == client })
        try tmux.send("End")
        let scrolled = try tmux.wait(for: "the last rows after End") { screen in
            Self.rows(screen).contains { $0.local == client && $0.state.hasSuffix("FIN_WAIT_2") }
        }
        #expect(Self.rows(scrolled).contains { $0.local == server && $0.state.hasSuffix("CLOSE_WAIT") })
        #expect(scrolled.contains { $0.hasPrefix("... and \(hidden) more (\(hidden) above, 0 below)") }, "\(scrolled)")

        try tmux.send("q")
        let after = try tmux.wait(for: "the shell after q") { $0.contains { $0.hasPrefix("EXIT ") } }
        #expect(after.contains("EXIT 0"), "\(after)")
        #expect(after.contains("BEFORE-WATCH") && !after.contains { $0.contains("tcpstates --watch") }, "\(after)")
        #expect(try tmux.display("#{alternate_on} #{cursor_flag}") == "0 1")
        #expect(tmux.file("before") != nil && tmux.file("before") == tmux.file("after"), "terminal modes changed")
    }

    @Test("Ctrl-C, SIGTERM and SIGHUP also give the terminal back",
          arguments: [("C-c", "0"), ("TERM", "\(128 + SIGTERM)"), ("HUP", "\(128 + SIGHUP)")])
    func signalsRestoreTheTerminal(how: String, status: String) throws {
        let namespace = try LifecycleNamespace(port: 7201)
        defer { namespace.tearDown() }
        let tmux = try Self.start(namespace, width: 100, height: 30, background: how != "C-c")
        defer { tmux.stop() }
        try tmux.wait(for: "the watch screen") { $0.first?.contains("tcpstates --watch") == true }
        if how == "C-c" {
            try tmux.send("C-c")
        } else {
            let pid = try #require(tmux.file("pid").flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
            kill(pid, how == "TERM" ? SIGTERM : SIGHUP)
        }
        let after = try tmux.wait(for: "the shell after \(how)") { $0.contains { $0.hasPrefix("EXIT ") } }
        #expect(after.contains("EXIT \(status)"), "\(after)")
        #expect(try tmux.display("#{alternate_on} #{cursor_flag}") == "0 1")
        #expect(tmux.file("before") != nil && tmux.file("before") == tmux.file("after"), "terminal modes changed")
    }
}

extension WatchTerminalTests {
    @Test("Ctrl-Z gives the terminal back while stopped, fg brings the screen back, q still quits")
    func ctrlZSuspendsLikeLess() throws {
        let namespace = try LifecycleNamespace(port: 7202)
        defer { namespace.tearDown() }
        let tcpstates = namespace.tcpstates
        // An interactive shell with job control: Ctrl-Z stops the job and the shell prints its prompt again.
        let tmux = try TmuxSession(width: 100, height: 30) { dir in
            "env PS1='READY$ ' bash --norc -i"
        }
        defer { tmux.stop() }
        try tmux.wait(for: "the shell") { $0.contains { $0.hasPrefix("READY$") } }
        try tmux.send("stty -g > \(tmux.directory)/before; ip netns exec \(namespace.name) \(tcpstates) -w --interval 0.2 -p 7202")
        try tmux.send("Enter")
        try tmux.wait(for: "the watch screen") { $0.first?.contains("tcpstates --watch") == true }
        #expect(try tmux.display("#{alternate_on}") == "1")
        try tmux.send("C-z")
        let stopped = try tmux.wait(for: "the shell after Ctrl-Z") { $0.contains { $0.contains("Stopped") } }
        #expect(try tmux.display("#{alternate_on}") == "0", "\(stopped)")
        // While it is stopped the shell has the terminal in its own modes: the same as before the watch.
        try tmux.send("clear; stty -g > \(tmux.directory)/during")
        try tmux.send("Enter")
        _ = try tmux.wait(for: "the modes while stopped") { _ in tmux.file("during") != nil }
        #expect(tmux.file("during") == tmux.file("before"))
        try tmux.send("fg")
        try tmux.send("Enter")
        try tmux.wait(for: "the screen again") { $0.first?.contains("tcpstates --watch") == true }
        #expect(try tmux.display("#{alternate_on}") == "1")
        try tmux.send("q")
        try tmux.wait(for: "the shell after q") { $0.last { !$0.isEmpty }?.hasPrefix("READY$") == true }
        #expect(try tmux.display("#{alternate_on}") == "0")
    }

    @Test("a failing refresh gives the terminal back, then prints its one-line error and exits 1")
    func errorRestoresTheTerminal() throws {
        let tcpstates = try TestEnvironment.binary("tcpstates")
        let tmux = try TmuxSession(width: 100, height: 30) { dir in
            // A copy of /proc/net/tcp's header: removing it makes the next poll fail.
            "sh -c 'stty -g > \(dir)/before; mkdir \(dir)/net; head -1 /proc/net/tcp > \(dir)/net/tcp; "
                + "\(tcpstates) -w --interval 0.2 --source proc --proc-net \(dir)/net; echo \"EXIT $?\"; "
                + "stty -g > \(dir)/after; exec sleep 600'"
        }
        defer { tmux.stop() }
        try tmux.wait(for: "the watch screen") { $0.first?.contains("tcpstates --watch  proc") == true }
        try FileManager.default.removeItem(atPath: "\(tmux.directory)/net/tcp")
        let after = try tmux.wait(for: "the shell after the error") { $0.contains { $0.hasPrefix("EXIT ") } }
        #expect(after.contains("EXIT 1"), "\(after)")
        let errors = after.filter { $0.hasPrefix("tcpstates: ") }
        #expect(errors.contains { $0.contains("cannot read") && $0.contains("net/tcp") }, "\(after)")
        #expect(!after.contains { $0.contains("tcpstates --watch") }, "\(after)")
        #expect(try tmux.display("#{alternate_on} #{cursor_flag}") == "0 1")
        #expect(tmux.file("before") != nil && tmux.file("before") == tmux.file("after"), "terminal modes changed")
    }
}

extension LifecycleNamespace {
    /// `ss -tanH` of the namespace's port, as `STATE LOCAL REMOTE` lines, sorted.
    func runSS() throws -> [String] {
        let result = try Subprocess.run(["ip", "netns", "exec", name, "ss", "-tanH",
                                         "( sport = :\(port) or dport = :\(port) )"])
        guard result.termination == .exited(0) else { throw SubprocessError(description: "\(result)") }
        return try SSListing.parse(result.stdout).get().map(\.record.description).sorted()
    }
}

extension WatchTerminalTests {
    @Test("lost destroy messages mark the title LOST EVENTS until two polls have caught up; then the count is ss's")
    func lossMarksTheTitleUntilResynchronised() throws {
        let namespace = try LifecycleNamespace(port: 7205)
        defer { namespace.tearDown() }
        let churnPort: UInt16 = 7206
        let tmux = try TmuxSession(width: 120, height: 30) { _ in
            "ip netns exec \(namespace.name) \(namespace.tcpstates) -w --interval 1 -p 7205,\(churnPort) --destroy-buffer 1024"
        }
        defer { tmux.stop() }
        try tmux.wait(for: "the watch screen") { $0.first?.contains("tcpstates --watch") == true }
        let churn = try ChildProcess(["ip", "netns", "exec", namespace.name, try TestEnvironment.binary("tcpstates-testpeer"),
                                      "churn", "--port", "\(churnPort)", "--seconds", "3"])
        defer { churn.stop() }
        try tmux.wait(for: "LOST EVENTS in the title") { $0.first?.contains("LOST EVENTS") == true }
        _ = try churn.collect(until: .now + .seconds(30))
        // A socket whose destroy message was lost is closed by the second poll that does not list it: until then
        // the mark stays, and once it goes the screen holds what the kernel does.
        let caughtUp = try tmux.wait(for: "the title without LOST EVENTS") { $0.first?.contains("LOST EVENTS") == false }
        let ss = try Subprocess.run(["ip", "netns", "exec", namespace.name, "ss", "-tanH",
                                     "( sport = :7205 or dport = :7205 or sport = :\(churnPort) or dport = :\(churnPort) )"])
        let total = caughtUp.lazy.compactMap { line in
            line.split(separator: " ").first.flatMap { Int($0) }.flatMap { line.contains(" sockets") ? $0 : nil }
        }.first
        let expected = ss.stdout.split(separator: "\n").count
        #expect(total == expected, "\(caughtUp.prefix(3).joined(separator: "\n"))\nss: \(expected)")
    }
}
