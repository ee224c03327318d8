import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended.
enum Termination: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(waitStatus status: Int32) {
        self = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
    }

    var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signaled(let number): "signal \(number)"
        }
    }
}

/// What a finished command wrote and how it ended.
struct CommandResult: Sendable, CustomStringConvertible {
    let argv: [String]
    let termination: Termination
    let stdout: String
    let stderr: String

    /// Whether stderr is exactly one non-empty line.
    var stderrIsOneLine: Bool {
        stderr.hasSuffix("\n") && stderr.count > 1 && stderr.filter { $0 == "\n" }.count == 1
    }

    var description: String {
        "`\(argv.joined(separator: " "))` ended with \(termination)\n--- stdout ---\n\(stdout)--- stderr ---\n\(stderr)"
    }
}

struct SubprocessError: Error, CustomStringConvertible {
    let description: String
}

/// A started child process with pipes on its stdin, stdout and stderr.
/// Unchecked Sendable: the suite's scope starts and stops it, one task at a time.
final class ChildProcess: @unchecked Sendable {
    let argv: [String]
    let pid: pid_t

    /// Where each of the child's threads is: its state, the kernel function
    /// it waits in and its kernel stack (root only), for a failure message
    /// when the child went quiet.
    var threads: String {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        guard !tasks.isEmpty else { return "pid \(pid): no threads (gone)" }
        return tasks.sorted().map { tid in
            func read(_ file: String) -> String {
                ((try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/\(file)", encoding: .utf8)) ?? "?")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let state = read("status").split(separator: "\n").first { $0.hasPrefix("State:") } ?? "State: ?"
            let stack = read("stack").split(separator: "\n").prefix(8).map { $0.split(separator: " ").last ?? "" }
            return "thread \(tid) \(read("comm")): \(state), wchan \(read("wchan")), stack \(stack.joined(separator: " < "))"
        }.joined(separator: "\n")
    }
    private(set) var stdinFD: Int32
    private(set) var stdoutFD: Int32
    let stderrFD: Int32
    private var reaped: Termination?

    /// Starts `argv` (looked up in PATH) with default signal dispositions.
    /// With `closedStdout`, the child's stdout is a pipe whose reader is
    /// already gone, so its first write fails with EPIPE. With `terminal`
    /// (a pseudo-terminal's path), stdin and stdout are that terminal and
    /// only stderr is a pipe.
    init(_ argv: [String], closedStdout: Bool = false, terminal: String? = nil) throws {
        self.argv = argv
        let input = try Self.pipe()
        let output = try Self.pipe()
        let errors = try Self.pipe()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let terminal {
            posix_spawn_file_actions_addopen(&actions, 0, terminal, O_RDWR | O_NOCTTY, 0)
            posix_spawn_file_actions_adddup2(&actions, 0, 1)
        } else {
            posix_spawn_file_actions_adddup2(&actions, input.read, 0)
            posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        }
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        if closedStdout { close(output.read) }
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, &cArgs, environ)
        close(input.read)
        close(output.write)
        close(errors.write)
        guard rc == 0 else {
            close(input.write)
            if !closedStdout { close(output.read) }
            close(errors.read)
            throw SubprocessError(description: "cannot run \(argv[0]): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
        stdinFD = input.write
        stdoutFD = closedStdout ? -1 : output.read
        stderrFD = errors.read
        if terminal != nil {
            closeStdin()
            closeStdout()
        }
    }

    deinit {
        closeStdin()
        if stdoutFD >= 0 { close(stdoutFD) }
        close(stderrFD)
        if reaped == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(stdinFD, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    func closeStdin() {
        if stdinFD >= 0 {
            close(stdinFD)
            stdinFD = -1
        }
    }

    /// Closes our end of the child's stdout: its next write fails with EPIPE.
    func closeStdout() {
        if stdoutFD >= 0 {
            close(stdoutFD)
            stdoutFD = -1
        }
    }

    /// Reads stdout and stderr until both reach EOF, `stop` says the stdout
    /// read so far is enough, or `deadline` passes (then throws).
    func collect(until deadline: ContinuousClock.Instant, stop: (String) -> Bool = { _ in false })
        throws -> (stdout: String, stderr: String)
    {
        let deadline = TestEnvironment.stretched(deadline)
        var out: [UInt8] = []
        var err: [UInt8] = []
        var open: [Int32] = [stdoutFD, stderrFD].filter { $0 >= 0 }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else {
                throw SubprocessError(description:
                    "`\(argv.joined(separator: " "))` timed out; stdout so far:\n\(String(decoding: out, as: UTF8.self))"
                    + "stderr so far:\n\(String(decoding: err, as: UTF8.self))\n\(threads)")
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ms = Int32(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000, 1000))
            let ready = poll(&fds, nfds_t(fds.count), max(ms, 1))
            if ready < 0 && errno == EINTR { continue }
            guard ready >= 0 else { throw SubprocessError(description: "poll: \(String(cString: strerror(errno)))") }
            for entry in fds where entry.revents != 0 {
                let n = chunk.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    open.removeAll { $0 == entry.fd }
                } else if entry.fd == stdoutFD {
                    out += chunk[0..<n]
                    if stop(String(decoding: out, as: UTF8.self)) {
                        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
                    }
                } else {
                    err += chunk[0..<n]
                }
            }
        }
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// Waits for the child to end, killing it (SIGKILL) after `timeout`.
    @discardableResult
    func wait(timeout: Duration) -> Termination {
        if let reaped { return reaped }
        let deadline = TestEnvironment.deadline(after: timeout)
        var status: Int32 = 0
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { break }
            if rc < 0 && errno != EINTR { return .signaled(0) }
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            usleep(5_000)
        }
        let termination = Termination(waitStatus: status)
        reaped = termination
        return termination
    }

    /// Ends the child: EOF on its stdin, then SIGTERM, then SIGKILL.
    func stop() {
        closeStdin()
        guard reaped == nil else { return }
        var status: Int32 = 0
        let deadline = ContinuousClock.now + .seconds(3)
        var signalled = false
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid || (rc < 0 && errno != EINTR) { break }
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            if !signalled && ContinuousClock.now > deadline - .seconds(2) {
                kill(pid, SIGTERM)
                signalled = true
            }
            usleep(5_000)
        }
        reaped = Termination(waitStatus: status)
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard Glibc.pipe(&fds) == 0 else {
            throw SubprocessError(description: "pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }
}

enum Subprocess {
    /// Runs `argv` to completion with `input` on stdin and returns everything it wrote.
    static func run(_ argv: [String], input: String = "", closedStdout: Bool = false,
                    timeout: Duration = .seconds(20)) throws -> CommandResult {
        let child = try ChildProcess(argv, closedStdout: closedStdout)
        child.write(input)
        child.closeStdin()
        let deadline = ContinuousClock.now + timeout  // collect stretches it by the patience
        let output: (stdout: String, stderr: String)
        do {
            output = try child.collect(until: deadline)
        } catch {
            child.stop()
            throw error
        }
        let termination = child.wait(timeout: max(ContinuousClock.now.duration(to: deadline), .seconds(1)))
        return CommandResult(argv: argv, termination: termination, stdout: output.stdout, stderr: output.stderr)
    }

    /// The full path of `name` in PATH, or nil.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin"
        for directory in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"] {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
