import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Under pressure the tool still ends with its documented status and at most
/// one line on stderr, never a crash or a hang: a listing during heavy
/// connection churn, a watch whose terminal goes away, a watch whose reader
/// goes away.
@Suite(
    "under pressure",
    .serialized,
    .enabled(if: TestEnvironment.isRoot, "needs root (ip netns)"),
    .enabled(if: TestEnvironment.hasNamespaceTools, "needs ip and ss in PATH"),
    .enabled(if: Subprocess.which("setsid") != nil, "needs setsid (util-linux)")
)
struct PressureTests {
    /// Every state name a row may carry.
    static let stateNames = Set(SSListing.stateNames.values)

    /// A namespace of its own, lo up; deleted by `body`'s end.
    static func withNamespace(_ tag: String, _ body: (String) throws -> Void) throws {
        let name = "tcpst-\(tag)-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        _ = try? Subprocess.run(["ip", "netns", "del", name])
        try #require(try Subprocess.run(["ip", "netns", "add", name]).termination == .exited(0))
        defer { _ = try? Subprocess.run(["ip", "netns", "del", name]) }
        _ = try Subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"])
        try body(name)
    }

    /// The namespace's TCP ActiveOpens counter (/proc/net/snmp): connections made so far.
    static func activeOpens(_ namespace: String) throws -> Int {
        let snmp = try Subprocess.run(["ip", "netns", "exec", namespace, "cat", "/proc/net/snmp"]).stdout
        let lines = snmp.split(separator: "\n").filter { $0.hasPrefix("Tcp:") }.map { $0.split(separator: " ") }
        guard lines.count == 2, let column = lines[0].firstIndex(of: "ActiveOpens"), let value = Int(lines[1][column])
        else { throw SubprocessError(description: "no Tcp ActiveOpens in /proc/net/snmp:\n\(snmp)") }
        return value
    }

    @Test("a listing during heavy connection churn exits 0, every row well formed and in a known state")
    func listingDuringChurn() throws {
        try Self.withNamespace("churn") { namespace in
            // Churn, not a growing table: TIME_WAIT sockets past 4096 are
            // freed at once (per-namespace sysctl), so that every listing
            // stays small while sockets come and go at full speed. Reading
            // /proc/net/tcp under churn is slow in the kernel itself (cat
            // took 0.6-34 s for 50k rows here).
            _ = try Subprocess.run(["ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv4.tcp_max_tw_buckets=4096"])
            // Two processes opening and closing loopback connections as fast
            // as they can, niced: other suites run beside this one, and they
            // time their subprocesses out.
            let bursts = try (0..<2).map { index in
                try ChildProcess(["nice", "-n", "10", "ip", "netns", "exec", namespace,
                                  try TestEnvironment.binary("tcpstates-testpeer"),
                                  "burst", "--port", "\(7400 + index)", "--connections", "1000000"])
            }
            defer {
                for burst in bursts {
                    kill(burst.pid, SIGKILL)
                    burst.wait(timeout: .seconds(5))
                }
            }
            let openedBefore = try Self.activeOpens(namespace)
            let started = ContinuousClock.now
            let tcpstates = try TestEnvironment.binary("tcpstates")
            var listings = 0
            for arguments in [[], ["--all"], ["--source", "proc"], ["-4", "--port", "7400-7401"]] {
                let result = try Subprocess.run(["ip", "netns", "exec", namespace, tcpstates] + arguments,
                                                timeout: .seconds(120))
                try #require(result.termination == .exited(0), "\(result)")
                #expect(result.stderr.isEmpty, "\(result)")
                // parse() checks the header, five fields a row, endpoints and alignment.
                let rows = try TextTable.parse(result.stdout).get()
                for row in rows where !Self.stateNames.contains(row.record.state) {
                    Issue.record("row in unknown state \(row) with \(arguments)")
                }
                listings += 1
            }
            for arguments in [["--json"], ["--json", "--source", "proc"], ["--json", "--info", "--timers"]] {
                let result = try Subprocess.run(["ip", "netns", "exec", namespace, tcpstates] + arguments,
                                                timeout: .seconds(120))
                try #require(result.termination == .exited(0), "\(result)")
                #expect(result.stderr.isEmpty, "\(result)")
                let listing = try JSONListing.parse(result)
                for connection in listing.connections where !Self.stateNames.contains(connection.state) {
                    Issue.record("connection in unknown state \(connection.record) with \(arguments)")
                }
                listings += 1
            }
            let opened = try Self.activeOpens(namespace) - openedBefore
            let seconds = Double(started.duration(to: .now).components.seconds) + 0.001
            #expect(opened > 0, "the bursts made no connection: the listings saw no churn")
            print("churn: \(opened) connections in \(seconds) s (\(Int(Double(opened) / seconds))/s) across \(listings) listings")
        }
    }

    @Test("--watch whose terminal goes away (SIGHUP) ends by SIGHUP, nothing on stderr")
    func watchWhoseTerminalHangsUp() throws {
        try Self.withNamespace("hup") { namespace in
            let terminal = try PseudoTerminal(columns: 100, rows: 30)
            // setsid --ctty: the watch leads a session whose controlling terminal is the pty.
            let watch = try terminal.spawn(["setsid", "--ctty", "ip", "netns", "exec", namespace,
                                            try TestEnvironment.binary("tcpstates"), "--watch", "--interval", "1"])
            let screen = try terminal.read(until: .now + .seconds(20)) { $0.contains("STATE") }
            try #require(screen.contains("STATE"), "no watch screen: \(screen)")
            terminal.hangUp()
            let termination = watch.wait(timeout: .seconds(20))
            #expect(termination == .signaled(SIGHUP), "the watch ended with \(termination)")
            let stderr = try watch.collect(until: .now + .seconds(5)).stderr
            #expect(stderr.isEmpty, "stderr: \(stderr)")
        }
    }

    @Test("--watch whose stdout is a pipe that closes ends quietly, without waiting for a change")
    func watchWhoseReaderGoesAway() throws {
        let namespace = try LifecycleNamespace(port: 7410)
        defer { namespace.tearDown() }
        let watch = try namespace.watch(["--interval", "1", "--port", "\(namespace.port)"])
        try watch.wait(for: "the listener's present event") { !$0.isEmpty }
        // Nothing changes from now on: only the closed pipe can end the watch.
        watch.process.closeStdout()
        let termination = watch.process.wait(timeout: .seconds(20))
        #expect([.exited(0), .signaled(SIGPIPE)].contains(termination), "the watch ended with \(termination)")
        let stderr = try watch.process.collect(until: .now + .seconds(5)).stderr
        #expect(stderr.isEmpty, "stderr: \(stderr)")
    }
}

/// A pseudo-terminal whose far end a spawned process gets as stdin and
/// stdout, read and then hung up by the test, as a terminal emulator
/// closing its window does.
final class PseudoTerminal {
    private var master: Int32
    private let slavePath: String
    // _IOW('T', 0x31, int) and _IOR('T', 0x30, unsigned int) of <asm-generic/ioctls.h>.
    static let setLock: UInt = 0x4004_5431   // TIOCSPTLCK
    static let getNumber: UInt = 0x8004_5430 // TIOCGPTN

    init(columns: UInt16, rows: UInt16) throws {
        // posix_openpt, unlockpt and ptsname do not import: what they do on Linux.
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, Self.setLock, &unlock) == 0, ioctl(master, Self.getNumber, &number) == 0 else {
            throw SubprocessError(description: "no pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    deinit { hangUp() }

    /// Starts `argv` with the terminal on stdin and stdout, stderr a pipe.
    func spawn(_ argv: [String]) throws -> ChildProcess { try ChildProcess(argv, terminal: slavePath) }

    /// What the terminal shows (raw bytes as text) until `stop` holds or `deadline` passes.
    func read(until deadline: ContinuousClock.Instant, stop: (String) -> Bool) throws -> String {
        let deadline = TestEnvironment.stretched(deadline)
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            var entry = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 200) > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            output += chunk[..<count]
            if stop(String(decoding: output, as: UTF8.self)) { break }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Closes the terminal: the kernel hangs up its session (SIGHUP to the leader).
    func hangUp() {
        if master >= 0 { close(master) }
        master = -1
    }
}
