import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A private namespace `tcpst-w-<pid>-<n>` holding `tcpstates-testpeer
/// lifecycle`: a listener and connections opened and closed on command.
final class LifecycleNamespace {
    let name: String
    let port: UInt16
    let tcpstates: String
    private let peer: ChildProcess

    init(port: UInt16) throws {
        tcpstates = try TestEnvironment.binary("tcpstates")
        let peerBinary = try TestEnvironment.binary("tcpstates-testpeer")
        // Parameterised tests run side by side: each namespace needs a name of its own.
        name = "tcpst-w-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        self.port = port
        _ = try? Subprocess.run(["ip", "netns", "del", name])
        let add = try Subprocess.run(["ip", "netns", "add", name])
        guard add.termination == .exited(0) else { throw SubprocessError(description: "cannot create \(name): \(add)") }
        do {
            peer = try ChildProcess(["ip", "netns", "exec", name, peerBinary, "lifecycle", "--port", "\(port)"])
            let ready = try peer.collect(until: .now + .seconds(20)) { $0.hasSuffix("\n") }
            guard ready.stdout.hasPrefix("READY") else {
                throw SubprocessError(description: "lifecycle peer did not start: \(ready.stdout)\(ready.stderr)")
            }
        } catch {
            _ = try? Subprocess.run(["ip", "netns", "del", name])
            throw error
        }
    }

    /// Sends one command to the peer and returns its answer's words.
    func command(_ line: String) throws -> [String] {
        peer.write(line + "\n")
        let answer = try peer.collect(until: .now + .seconds(20)) { $0.hasSuffix("\n") }
        let words = answer.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { throw SubprocessError(description: "peer ended after '\(line)': \(answer.stderr)") }
        return words
    }

    /// Starts `tcpstates --watch` with `arguments` in the namespace, stdout a
    /// pipe; `wrapper` (strace, ...) runs it.
    func watch(_ arguments: [String], wrapper: [String] = []) throws -> EventReader {
        EventReader(try ChildProcess(["ip", "netns", "exec", name] + wrapper + [tcpstates, "--watch"] + arguments))
    }

    func tearDown() {
        peer.stop()
        _ = try? Subprocess.run(["ip", "netns", "del", name])
    }
}

/// One NDJSON event of `tcpstates --watch`.
struct WatchEventLine: Equatable, CustomStringConvertible {
    var event: String
    var state: String
    var previous: String?
    var local: String
    var remote: String
    /// For `lost`: what was lost and how many (nil: unknown).
    var what: String?
    var count: Int?
    /// The `netns` member of a watch of several namespaces: its inode, name and holder.
    var netnsInode: Int?
    var netnsName: String?
    var netnsPID: Int?

    init?(_ line: Substring) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let event = object["event"] as? String else { return nil }
        if event == "lost" {
            guard let what = object["what"] as? String, object["time"] is String,
                  object["count"] is NSNull || object["count"] is Int else { return nil }
            (self.event, state, local, remote, self.what, count) = (event, "", "", "", what, object["count"] as? Int)
            return
        }
        guard let state = object["state"] as? String,
              let local = Self.endpoint(object["local"]), let remote = Self.endpoint(object["remote"])
        else { return nil }
        self.event = event
        self.state = state
        previous = object["previous_state"] as? String
        self.local = local
        self.remote = remote
        if let netns = object["netns"] as? [String: Any] {
            (netnsInode, netnsName, netnsPID) = (netns["inode"] as? Int, netns["name"] as? String, netns["pid"] as? Int)
        }
    }

    private static func endpoint(_ value: Any?) -> String? {
        guard let object = value as? [String: Any], let address = object["address"] as? String,
              let port = object["port"] as? Int else { return nil }
        return address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    var description: String { "\(event) \(previous ?? "-") -> \(state) \(local) \(remote)" }
}

/// Reads the events of a running watch as they come.
final class EventReader {
    let process: ChildProcess
    private(set) var events: [WatchEventLine] = []
    private(set) var unparsed: [String] = []
    /// Everything the watch wrote on stderr so far.
    private(set) var stderr = ""

    init(_ process: ChildProcess) { self.process = process }

    /// Reads until `done` holds for the events so far; throws (with the
    /// output so far) if it does not within `timeout`.
    func wait(for what: String, timeout: Duration = .seconds(20), _ done: ([WatchEventLine]) -> Bool) throws {
        if done(events) { return }
        let output = try process.collect(until: .now + timeout) { text in
            guard text.hasSuffix("\n") else { return false }
            return done(events + text.split(separator: "\n").compactMap(WatchEventLine.init))
        }
        stderr += output.stderr
        for line in output.stdout.split(separator: "\n") {
            if let event = WatchEventLine(line) { events.append(event) } else { unparsed.append(String(line)) }
        }
        guard done(events) else {
            throw SubprocessError(description: "watch ended before \(what): \(events)\n\(stderr)")
        }
    }

    /// The events of the socket with these endpoints, in order.
    func of(local: String, remote: String) -> [WatchEventLine] {
        events.filter { $0.local == local && $0.remote == remote }
    }
}
