import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `tcpstates --watch --all-netns` and `--watch --netns a,b`, run in the
/// test's own namespace, against connections in namespaces of this test's
/// pid. Other runs' namespaces may be watched too: only this test's are
/// checked, by inode.
@Suite(
    "watch across network namespaces",
    .serialized,
    .enabled(if: TestEnvironment.isRoot, "needs root (ip netns)"),
    .enabled(if: ["ip", "tmux"].allSatisfy { Subprocess.which($0) != nil }, "needs ip and tmux in PATH")
)
struct WatchNamespacesTests {
    static func inode(_ path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw SubprocessError(description: "cannot stat \(path)") }
        return Int(info.st_ino)
    }

    /// `tcpstates --watch --json` with `arguments`, in the test's namespace.
    static func watch(_ arguments: [String]) throws -> EventReader {
        EventReader(try ChildProcess([try TestEnvironment.binary("tcpstates"), "--watch", "--json", "--interval", "0.3"] + arguments))
    }

    /// A listener on `port` in the test's namespace: once the watch shows it, the watch has polled.
    static func sentinel(_ port: UInt16) throws -> ChildProcess {
        let sentinel = try ChildProcess([try TestEnvironment.binary("tcpstates-testpeer"), "listen", "\(port)"])
        _ = try sentinel.collect(until: .now + .seconds(20)) { $0.hasPrefix("R") }
        return sentinel
    }

    static func openDescriptors(_ pid: pid_t) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    /// The network namespaces the watch can find besides the test's own: named ones and those
    /// processes hold. Other tests make and delete theirs at any time; the watch holds two
    /// descriptors in each, so its descriptor count says something only while this set stands still.
    static func machineNamespaces() -> Set<Int> {
        var found = Set<Int>()
        let named = (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
        for name in named { if let inode = try? inode("/run/netns/\(name)") { found.insert(inode) } }
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in processes where pid.allSatisfy(\.isNumber) {
            if let inode = try? inode("/proc/\(pid)/ns/net") { found.insert(inode) }
        }
        return found
    }

    /// The events of the namespace with `inode`, by socket (local remote), in order.
    static func bySocket(_ events: [WatchEventLine], in inode: Int) -> [String: [WatchEventLine]] {
        Dictionary(grouping: events.filter { $0.netnsInode == inode }, by: { "\($0.local) \($0.remote)" })
    }

    @Test("--all-netns: a connection opened in another namespace carries that namespace's netns object")
    func connectionInAnotherNamespace() throws {
        let namespace = try LifecycleNamespace(port: 7120)
        defer { namespace.tearDown() }
        let inode = try Self.inode("/run/netns/\(namespace.name)")
        let watch = try Self.watch(["--all-netns", "--port", "7120"])
        defer { watch.process.stop() }
        let ours = { (events: [WatchEventLine]) in events.filter { $0.netnsInode == inode } }
        try watch.wait(for: "the listener in its namespace") {
            ours($0).contains { $0.event == "present" && $0.local == "127.0.0.1:7120" }
        }
        let connected = try namespace.command("connect")
        try #require(connected.count == 3 && connected[0] == "CONNECTED", "\(connected)")
        let (client, server) = (connected[1], connected[2])
        try watch.wait(for: "both sides") { events in
            [(client, server), (server, client)].allSatisfy { pair in
                ours(events).contains { $0.local == pair.0 && $0.remote == pair.1 && $0.state == "ESTABLISHED" }
            }
        }
        #expect(try namespace.command("close-client") == ["CLIENT-CLOSED"])
        try watch.wait(for: "CLOSE_WAIT") { ours($0).contains { $0.local == server && $0.state == "CLOSE_WAIT" } }
        #expect(try namespace.command("close-server") == ["SERVER-CLOSED"])
        try watch.wait(for: "the server side's close") {
            ours($0).contains { $0.event == "close" && $0.local == server && $0.remote == client }
        }
        let events = ours(watch.events)
        #expect(events.allSatisfy { $0.netnsName == namespace.name }, "\(events)")
        let holder = try #require(events.first?.netnsPID)
        #expect(try Self.inode("/proc/\(holder)/ns/net") == inode, "the pid holds the namespace")
        #expect(watch.of(local: server, remote: client).map(\.event) == ["open", "change", "close"])
        #expect(watch.unparsed.isEmpty, "\(watch.unparsed)")
    }

    @Test("the screen has the NETNS column, naming each row's namespace")
    func screenColumn() throws {
        let namespace = try LifecycleNamespace(port: 7121)
        defer { namespace.tearDown() }
        let tmux = try TmuxSession(width: 150, height: 20) { _ in
            "\(namespace.tcpstates) -w --all-netns --interval 0.3 -p 7121; exec sleep 600"
        }
        defer { tmux.stop() }
        let connected = try namespace.command("connect")
        let screen = try tmux.wait(for: "the connection's rows with their namespace") { lines in
            lines.contains { $0.hasPrefix("  STATE") && $0.contains(" NETNS ") }
                && lines.filter { $0.contains("ESTABLISHED") && $0.contains("  \(namespace.name)  ") }.count == 2
        }
        let listener = screen.first { $0.contains("LISTEN") && $0.contains("127.0.0.1:7121") }
        #expect(listener?.contains("  \(namespace.name)  ") == true, "\(screen.joined(separator: "\n"))")
        #expect(screen.contains { $0.contains(connected[1]) && $0.contains("  \(namespace.name)  ") })
    }

    @Test("a namespace made during the watch is picked up; once deleted, each of its sockets ends once and the watch lets it go")
    func namespacesComeAndGo() throws {
        let sentinel = try Self.sentinel(7123)
        defer { sentinel.stop() }
        let watch = try Self.watch(["--all-netns", "--port", "7122,7123"])
        defer { watch.process.stop() }
        try watch.wait(for: "the first poll") { $0.contains { $0.local == "127.0.0.1:7123" } }
        let before = Self.openDescriptors(watch.process.pid)
        let namespacesBefore = Self.machineNamespaces()

        let namespace = try LifecycleNamespace(port: 7122)
        var tornDown = false
        defer { if !tornDown { namespace.tearDown() } }
        let inode = try Self.inode("/run/netns/\(namespace.name)")
        let connected = try namespace.command("connect")
        try #require(connected.count == 3, "\(connected)")
        try watch.wait(for: "the new namespace's listener and connection") { events in
            let sockets = Self.bySocket(events, in: inode)
            return sockets["127.0.0.1:7122 0.0.0.0:0"] != nil && sockets.count == 3
        }
        #expect(Self.bySocket(watch.events, in: inode).values.allSatisfy { $0.first?.event == "open" },
                "made after the first poll: opens, not present")
        let opened = Self.openDescriptors(watch.process.pid)
        if Self.machineNamespaces() == namespacesBefore.union([inode]) {
            #expect(opened > before, "a dump socket and a destroy listener in it")
        }

        namespace.tearDown()
        tornDown = true
        try watch.wait(for: "every socket of the gone namespace closed") { events in
            Self.bySocket(events, in: inode).values.allSatisfy { $0.last?.event == "close" }
        }
        // A poll or two later: nothing of it is held, and no socket of it ends twice.
        try watch.wait(for: "the descriptors of the namespace closed", timeout: .seconds(10)) { _ in
            // Checked only while no other test's namespace came or went (see machineNamespaces).
            Self.machineNamespaces() != namespacesBefore || Self.openDescriptors(watch.process.pid) == before
        }
        for (socket, events) in Self.bySocket(watch.events, in: inode) {
            #expect(events.filter { $0.event == "close" }.count == 1, "\(socket): \(events)")
        }
    }

    @Test("--netns a,b: both namespaces' sockets on one 4-tuple are two sockets; a name deleted closes its own once")
    func namedListFollowsItsNames() throws {
        let a = try LifecycleNamespace(port: 7124)
        defer { a.tearDown() }
        let b = try LifecycleNamespace(port: 7124)
        defer { b.tearDown() }
        let (inodeA, inodeB) = (try Self.inode("/run/netns/\(a.name)"), try Self.inode("/run/netns/\(b.name)"))
        let watch = try Self.watch(["--netns", "\(a.name),\(b.name)", "--port", "7124"])
        defer { watch.process.stop() }
        let listener = "127.0.0.1:7124 0.0.0.0:0"
        try watch.wait(for: "both listeners") {
            Self.bySocket($0, in: inodeA)[listener] != nil && Self.bySocket($0, in: inodeB)[listener] != nil
        }
        _ = try a.command("connect")
        _ = try b.command("connect")
        try watch.wait(for: "both connections") {
            Self.bySocket($0, in: inodeA).count == 3 && Self.bySocket($0, in: inodeB).count == 3
        }
        // b's holder lives on, but its name is gone: for --netns, so is the namespace.
        _ = try Subprocess.run(["ip", "netns", "del", b.name])
        try watch.wait(for: "b's sockets closed") {
            Self.bySocket($0, in: inodeB).values.allSatisfy { $0.last?.event == "close" }
        }
        #expect(try a.command("close-client") == ["CLIENT-CLOSED"])
        try watch.wait(for: "a still watched") {
            Self.bySocket($0, in: inodeA).values.contains { $0.last?.state == "FIN_WAIT_2" }
        }
        let events = watch.events
        #expect(Self.bySocket(events, in: inodeB).values.allSatisfy { $0.filter { $0.event == "close" }.count == 1 })
        #expect(!events.contains { $0.netnsInode == inodeA && $0.event == "close" })
        #expect(events.allSatisfy { $0.netnsInode == inodeA || $0.netnsInode == inodeB })
    }

    @Test("unprivileged, it watches its own namespace and says once how many it could not enter",
          .enabled(if: TestEnvironment.hasSetpriv, "needs setpriv"))
    func unprivileged() throws {
        let namespace = try LifecycleNamespace(port: 7125)
        defer { namespace.tearDown() }
        let sentinel = try Self.sentinel(7125)
        defer { sentinel.stop() }
        let tcpstates = try TestEnvironment.binary("tcpstates")
        let binary = try UnprivilegedCopy.path(of: tcpstates) { try Subprocess.run($0) }
        defer { UnprivilegedCopy.remove(binary, original: tcpstates) }
        let watch = EventReader(try ChildProcess(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", binary,
                                                  "--watch", "--all-netns", "--interval", "0.2", "--port", "7125"]))
        defer { watch.process.stop() }
        try watch.wait(for: "the own namespace's listener") { $0.contains { $0.local == "127.0.0.1:7125" } }
        usleep(1_000_000)  // a few polls more: the notice is said once, not per poll
        kill(watch.process.pid, SIGTERM)
        let rest = try watch.process.collect(until: .now + .seconds(10))
        let stderr = watch.stderr + rest.stderr
        #expect(stderr.split(separator: "\n").count == 1 && stderr.contains("could not enter"), "\(stderr)")
        let own = try Self.inode("/proc/self/ns/net")
        let listeners = (watch.events + rest.stdout.split(separator: "\n").compactMap(WatchEventLine.init))
            .filter { $0.local == "127.0.0.1:7125" }
        #expect(listeners.count == 1 && listeners.allSatisfy { $0.netnsInode == own }, "\(listeners)")

        let named = try Subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", binary,
                                        "--watch", "--json", "--netns", "\(namespace.name),\(namespace.name)"])
        #expect(named.termination == .exited(1) && named.stderrIsOneLine && named.stderr.contains("root"), "\(named)")
    }
}
