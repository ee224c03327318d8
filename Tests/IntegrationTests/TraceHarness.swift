import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `tcpstates trace --json` line.
struct TraceEvent: Decodable, Sendable, CustomStringConvertible {
    struct Address: Decodable, Sendable {
        let address: String
        let port: Int
        var endpoint: Endpoint { Endpoint(address: address, port: port) }
    }

    let event: String
    let source: String
    let time: String
    let family: String
    let local: Address
    let remote: Address
    let state: String
    let previousState: String
    let stateMs: Double?
    let pid: Int?
    let command: String?
    let stateSeenThrough: String?

    enum CodingKeys: String, CodingKey {
        case event, source, time, family, local, remote, state, pid, command
        case previousState = "previous_state"
        case stateMs = "state_ms"
        case stateSeenThrough = "state_seen_through"
    }

    /// `local remote OLD NEW`: what libbpf-tools also prints, with the arrow
    /// the kernel reported (CLOSED where sock_diag saw TIME_WAIT).
    var kernelArrow: String {
        "\(local.endpoint) \(remote.endpoint) \(previousState) \(stateSeenThrough == nil ? state : "CLOSED")"
    }

    var description: String {
        "\(local.endpoint) \(remote.endpoint) \(previousState) -> \(state) ms=\(stateMs.map { "\($0)" } ?? "-") pid=\(pid.map(String.init) ?? "-") \(command ?? "-")"
    }

    static func parse(_ text: String) throws -> [TraceEvent] {
        try text.split(separator: "\n").map { line in
            do {
                return try JSONDecoder().decode(TraceEvent.self, from: Data(line.utf8))
            } catch {
                throw SubprocessError(description: "not a trace event (\(error)): \(line)")
            }
        }
    }
}

/// A private network namespace for one trace test, and tracefs seen from a
/// private mount namespace (tracefs is not mounted on the host; the trace
/// instances are the same in every mount of it).
struct TraceNamespace {
    let name: String
    private static let counter = Counter()

    init() throws {
        name = "tcpst-t-\(getpid())-\(Self.counter.next())"
        _ = try? Subprocess.run(["ip", "netns", "del", name])
        let add = try Subprocess.run(["ip", "netns", "add", name])
        guard add.termination == .exited(0) else { throw SubprocessError(description: "\(add)") }
    }

    func delete() { _ = try? Subprocess.run(["ip", "netns", "del", name]) }

    /// `argv` started inside the namespace (ip execs it: the child's pid is the command's).
    func start(_ argv: [String]) throws -> ChildProcess {
        try ChildProcess(["ip", "netns", "exec", name] + argv)
    }

    func run(_ argv: [String]) throws -> CommandResult {
        try Subprocess.run(["ip", "netns", "exec", name] + argv, timeout: .seconds(60))
    }

    /// Ports for one test: below the ephemeral range, apart for each test process.
    /// Slots: lifecycle 0-1 (IPv4) and 5-6 (IPv6), burst 2, libbpf-tools 3-4, idle tracers 7.
    static func basePort(_ slot: Int) -> Int { 21000 + Int(getpid() % 1000) * 8 + slot }

    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func next() -> Int { lock.withLock { value += 1; return value } }
    }
}

enum TraceFS {
    /// Shell words that leave tracefs at /sys/kernel/tracing, whether or not
    /// it was there already: systemd mounts it, and mounting it again fails
    /// ("nodev already mounted"). Meant for a private mount namespace
    /// (`unshare -m`, whose mounts are private), so the host is left as it was.
    static let mountUnlessMounted =
        "{ mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing; }"

    /// Runs `script` in a private mount namespace with tracefs at /sys/kernel/tracing.
    static func shell(_ script: String) throws -> CommandResult {
        try Subprocess.run(["unshare", "-m", "sh", "-c",
                            "\(mountUnlessMounted) && cd /sys/kernel/tracing && " + script])
    }

    static func instanceExists(pid: pid_t) throws -> Bool {
        try shell("test -d instances/tcpstates-\(pid)").termination == .exited(0)
    }

    /// The instance's event filter, once the event is enabled; nil until then.
    static func armedFilter(pid: pid_t) throws -> String? {
        let event = "instances/tcpstates-\(pid)/events/sock/inet_sock_set_state"
        let result = try shell("test \"$(cat \(event)/enable)\" = 1 && cat \(event)/filter")
        return result.termination == .exited(0) ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// Waits until the tracer `pid` has its event enabled; returns its filter.
    static func waitUntilArmed(pid: pid_t, timeout: Duration = .seconds(20)) throws -> String {
        let deadline = TestEnvironment.deadline(after: timeout)
        while ContinuousClock.now < deadline {
            if let filter = try armedFilter(pid: pid) { return filter }
            usleep(50_000)
        }
        throw SubprocessError(description: "tcpstates trace (pid \(pid)) did not arm its instance in \(timeout)")
    }
}

/// libbpf-tools' tcpstates (Debian libbpf-tools), run in a private mount
/// namespace with tracefs mounted (libbpf finds the tracepoint's id there).
enum LibbpfTcpstates {
    static let path = "/usr/sbin/tcpstates"
    static var isAvailable: Bool {
        access(path, X_OK) == 0 && access("/sys/kernel/btf/vmlinux", R_OK) == 0
            && Subprocess.which("stdbuf") != nil && Subprocess.which("unshare") != nil
    }

    /// Starts it machine-wide (it has no either-port filter), writing to
    /// `output` (a file: a pipe left unread while other tests on the machine
    /// make transitions would fill up and stall it), and waits for its header.
    static func start(output: String) throws -> ChildProcess {
        let child = try ChildProcess(["unshare", "-m", "sh", "-c",
                                      "\(TraceFS.mountUnlessMounted) && exec stdbuf -oL \(path) -w > \"$0\"",
                                      output])
        let deadline = TestEnvironment.deadline(after: .seconds(30))
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: output, encoding: .utf8), text.contains("NEWSTATE") { return child }
            usleep(50_000)
        }
        let early = try? child.collect(until: .now + .seconds(1))
        child.stop()
        throw SubprocessError(description: "libbpf-tools tcpstates did not start: \(early?.stderr ?? "")")
    }

    static let names = [
        "SYN_RECV": "SYN_RCVD", "FIN_WAIT1": "FIN_WAIT_1", "FIN_WAIT2": "FIN_WAIT_2", "CLOSE": "CLOSED",
        "NEW_SYN_RECV": "SYN_RCVD",
    ]

    /// `local remote OLD NEW` for each line whose ports are in `ports`, in our names.
    /// Columns: SKADDR PID COMM IP LADDR LPORT RADDR RPORT OLDSTATE -> NEWSTATE MS.
    static func arrows(_ output: String, ports: Set<Int>) -> [String] {
        output.split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ")
            guard f.count >= 12, let lport = Int(f[f.count - 7]), let rport = Int(f[f.count - 5]),
                  ports.contains(lport) || ports.contains(rport) else { return nil }
            func name(_ s: Substring) -> String { names[String(s)] ?? String(s) }
            let local = Endpoint(address: String(f[f.count - 8]), port: lport)
            let remote = Endpoint(address: String(f[f.count - 6]), port: rport)
            return "\(local) \(remote) \(name(f[f.count - 4])) \(name(f[f.count - 2]))"
        }
    }
}
