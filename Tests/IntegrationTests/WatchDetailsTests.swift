import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `--watch` with the listing's other columns: owners (-P, --pid), timers,
/// tcp_info, UDP and --netns, against the owners peer's known sockets.
@Suite(
    "watch with owners, timers, tcp_info, UDP and --netns",
    .serialized,
    .enabled(if: TestEnvironment.isRoot, "needs root (ip netns, other processes' fds)"),
    .enabled(if: Subprocess.which("ip") != nil, "needs ip in PATH")
)
struct WatchDetailsTests {
    /// Parses one event line, keeping every member.
    static func object(_ line: Substring) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }

    static func port(_ object: [String: Any], _ side: String) -> Int? {
        (object[side] as? [String: Any])?["port"] as? Int
    }

    static func pids(_ object: [String: Any]) -> Set<Int> {
        Set(((object["process"] as? [[String: Any]]) ?? []).compactMap { $0["pid"] as? Int })
    }

    @Test("events carry the listing's members; owners, UDP and the namespace follow the sockets")
    func eventsCarryTheListingsMembers() throws {
        let name = "tcpst-wd-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let add = try Subprocess.run(["ip", "netns", "add", name])
        try #require(add.termination == .exited(0), "\(add)")
        defer { _ = try? Subprocess.run(["ip", "netns", "del", name]) }
        let peer = try ChildProcess(["ip", "netns", "exec", name, try TestEnvironment.binary("tcpstates-testpeer"), "owners"])
        defer { peer.stop() }
        let ready = try peer.collect(until: .now + .seconds(30)) { $0.hasSuffix("READY\n") }
        var pids: [String: Int] = [:]
        for line in ready.stdout.split(separator: "\n") where line.hasPrefix("PID ") {
            let words = line.split(separator: " ")
            pids[String(words[1])] = Int(words[2])
        }
        let main = try #require(pids["main"]), sharer = try #require(pids["sharer"])

        // From outside the namespace: --netns enters it before anything is opened.
        let tcpstates = try TestEnvironment.binary("tcpstates")
        let all = try ChildProcess([tcpstates, "--watch", "--json", "-t", "-u", "-P", "-o", "-i", "--interval", "0.2",
                                    "--port", "7100,7200", "--netns", name])
        defer { all.stop() }
        let sharers = try ChildProcess([tcpstates, "--watch", "--json", "--pid", "\(sharer)", "--interval", "0.2",
                                        "--port", "7100,7200", "--netns", name])
        defer { sharers.stop() }
        let output = try all.collect(until: .now + .seconds(20)) { text in
            text.split(separator: "\n").compactMap(Self.object).filter { $0["event"] as? String == "present" }.count >= 5
        }
        let present = output.stdout.split(separator: "\n").compactMap(Self.object)
        for event in present {
            #expect(Set(event.keys).isSuperset(of: ["protocol", "process", "timer", "tcp_info"]), "\(event)")
        }
        let listener = try #require(present.first { $0["state"] as? String == "LISTEN" && Self.port($0, "local") == 7100 })
        #expect(Self.pids(listener) == [main, sharer])
        let client = try #require(present.first { Self.port($0, "remote") == 7100 })
        #expect((client["timer"] as? [String: Any])?["kind"] as? String == "keepalive", "\(client)")
        #expect(client["tcp_info"] is [String: Any], "\(client)")
        let udp = present.filter { $0["protocol"] as? String == "udp" }
        #expect(udp.count == 2 && udp.allSatisfy { Self.pids($0) == [main] }, "\(udp)")
        #expect(udp.contains { $0["state"] as? String == "UNCONN" })

        // --pid: the sharer holds only the shared listener.
        let own = try sharers.collect(until: .now + .seconds(20)) { $0.hasSuffix("\n") }
        let owned = own.stdout.split(separator: "\n").compactMap(Self.object)
        #expect(owned.count == 1 && Self.port(owned[0], "local") == 7100 && owned[0]["state"] as? String == "LISTEN",
                "\(own.stdout)")

        // The peer ends: every socket closes, UDP ones included, named by protocol. (SIGKILL: the peer waits
        // for EOF on stdin, and the watches started after it hold that pipe's write end too.)
        kill(peer.pid, SIGKILL)
        let closes = try all.collect(until: .now + .seconds(20)) { text in
            text.split(separator: "\n").compactMap(Self.object).filter { $0["event"] as? String == "close" }
                .filter { $0["protocol"] as? String == "udp" }.count >= 2
        }
        let closed = closes.stdout.split(separator: "\n").compactMap(Self.object).filter { $0["event"] as? String == "close" }
        #expect(closed.filter { $0["protocol"] as? String == "udp" }.allSatisfy { $0["previous_state"] as? String != nil })
    }
}
