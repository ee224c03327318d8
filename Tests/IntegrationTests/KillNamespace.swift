import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private namespace `tcpst-k-<pid>-<n>` holding `tcpstates-testpeer
/// kill-targets`: `count` CLOSE_WAIT sockets on 127.0.0.1:`port` and as many
/// on [::1]:`port`, and `count` ESTABLISHED connections (both ends) to
/// 127.0.0.1:`port + 1`. `port` is 7500 unless a test that reaches beyond
/// its namespace (--all-netns) gives one of its own.
final class KillNamespace {
    static let port: UInt16 = 7500
    let name: String
    let count: Int
    let port: UInt16
    let tcpstates: String
    private let peer: ChildProcess
    /// The holder's process id (`ip netns exec` execs it in place).
    var holderPID: pid_t { peer.pid }

    init(count: Int = 3, port: UInt16 = KillNamespace.port) throws {
        tcpstates = try TestEnvironment.binary("tcpstates")
        let peerBinary = try TestEnvironment.binary("tcpstates-testpeer")
        name = "tcpst-k-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        self.count = count
        self.port = port
        let add = try Subprocess.run(["ip", "netns", "add", name])
        guard add.termination == .exited(0) else { throw SubprocessError(description: "cannot create \(name): \(add)") }
        do {
            peer = try ChildProcess(["ip", "netns", "exec", name, peerBinary, "kill-targets",
                                     "--port", "\(port)", "--count", "\(count)"])
            let ready = try peer.collect(until: .now + .seconds(30)) { $0.hasSuffix("\n") }
            guard ready.stdout == "READY\n" else {
                throw SubprocessError(description: "kill-targets peer did not start: \(ready.stdout)\(ready.stderr)")
            }
        } catch {
            _ = try? Subprocess.run(["ip", "netns", "del", name])
            throw error
        }
    }

    /// Runs `argv` inside the namespace.
    func run(_ argv: [String]) throws -> CommandResult {
        try Subprocess.run(["ip", "netns", "exec", name] + argv)
    }

    /// Runs `tcpstates kill` with `arguments`, stdin a pipe (not a terminal).
    func kill(_ arguments: [String]) throws -> CommandResult {
        try run([tcpstates, "kill"] + arguments)
    }

    /// `ss -tanH` in the namespace as `STATE LOCAL REMOTE` lines.
    func ss() throws -> [String] {
        let result = try run(["ss", "-tanH"])
        guard result.termination == .exited(0) else { throw SubprocessError(description: "\(result)") }
        return result.stdout.split(separator: "\n").map { $0.split(separator: " ").enumerated()
            .filter { [0, 3, 4].contains($0.offset) }.map { String($0.element) }.joined(separator: " ") }
    }

    /// The held CLOSE_WAIT sockets as ss lists them (local port `port`).
    func closeWait() throws -> [String] {
        try ss().filter { $0.hasPrefix("CLOSE-WAIT ") }
    }

    /// The held ESTABLISHED sockets as ss lists them.
    func established() throws -> [String] {
        try ss().filter { $0.hasPrefix("ESTAB ") }
    }

    /// What the holder reads from SO_ERROR on each socket of each set
    /// (reading clears it): `0` or an errno name.
    func errors() throws -> (closeWait: [String], established: [String]) {
        peer.write("errors\n")
        let answer = try peer.collect(until: .now + .seconds(20)) { $0.hasSuffix("\n") }
        let words = answer.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .newlines) }
        guard words.count == 3, words[0] == "ERRORS" else {
            throw SubprocessError(description: "unexpected answer from kill-targets: \(answer)")
        }
        return (words[1].split(separator: ",").map(String.init), words[2].split(separator: ",").map(String.init))
    }

    func tearDown() {
        peer.stop()
        _ = try? Subprocess.run(["ip", "netns", "del", name])
    }
}
