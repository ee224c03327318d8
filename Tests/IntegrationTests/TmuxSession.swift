import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A detached tmux server of its own (`tmux -L NAME`) running one command
/// in a pane whose screen the tests read back.
final class TmuxSession {
    let server: String
    let directory: String

    /// Starts `command` (a shell line) in a `width` x `height` window.
    /// `directory` is a fresh scratch directory for the command's files.
    init(width: Int, height: Int, command: (_ directory: String) -> String) throws {
        server = "tcpst-w-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        directory = "/tmp/\(server)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let result = try Subprocess.run(["tmux", "-L", server, "-f", "/dev/null", "new-session", "-d", "-s", "watch",
                                         "-x", "\(width)", "-y", "\(height)", command(directory)])
        guard result.termination == .exited(0) else { throw SubprocessError(description: "tmux did not start: \(result)") }
    }

    /// The pane's visible lines, trailing blank lines dropped.
    func screen() throws -> [String] {
        let result = try tmux(["capture-pane", "-p", "-t", "watch"])
        var lines = result.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
        return lines
    }

    /// A tmux format evaluated for the pane: `#{alternate_on}`, `#{cursor_flag}`.
    func display(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", "watch", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func send(_ keys: String) throws { _ = try tmux(["send-keys", "-t", "watch", keys]) }

    func resize(width: Int, height: Int) throws {
        _ = try tmux(["resize-window", "-t", "watch", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Captures the screen until `done` holds for it; throws with the last screen after 20 s.
    @discardableResult
    func wait(for what: String, _ done: ([String]) -> Bool) throws -> [String] {
        let deadline = TestEnvironment.deadline(after: .seconds(20))
        var lines = try screen()
        while !done(lines) {
            guard ContinuousClock.now < deadline else {
                throw SubprocessError(description: "the screen never showed \(what):\n\(lines.joined(separator: "\n"))")
            }
            usleep(50_000)
            lines = try screen()
        }
        return lines
    }

    func file(_ name: String) -> String? { try? String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8) }

    func stop() {
        _ = try? Subprocess.run(["tmux", "-L", server, "kill-server"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func tmux(_ arguments: [String]) throws -> String {
        let result = try Subprocess.run(["tmux", "-L", server] + arguments)
        guard result.termination == .exited(0) else { throw SubprocessError(description: "\(result)") }
        return result.stdout
    }
}
