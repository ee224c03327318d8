import Foundation
import Testing

extension OwnedSockets {
    @Suite("--timers and --info")
    struct TimersAndInfo {
        @Test("--timers: TIME_WAIT shows 0-60 s left, the keepalive client its keepalive, as ss -o does",
              arguments: ["netlink", "proc"])
        func timers(source: String) throws {
            let peer = try OwnerPeer.shared()
            let listing = try peer.json(["--timers", "--source", source])
            let timeWait = try #require(listing.connections.first { $0.state == "TIME_WAIT" }?.timer)
            #expect(timeWait.kind == "time_wait")
            #expect(timeWait.expiresMs > 0 && timeWait.expiresMs <= 60_000, "\(timeWait.expiresMs) ms")
            let client = try #require(listing.connections.first { $0.state == "ESTABLISHED" && $0.remote.port == 7100 })
            #expect(client.timer?.kind == "keepalive")
            #expect((1...600_000).contains(client.timer?.expiresMs ?? 0), "TCP_KEEPIDLE is 600 s")
            let ss = try peer.run(["ss", "-tanoH"])
            try #require(ss.termination == .exited(0), "\(ss)")
            let ssNames = ["timewait": "time_wait", "keepalive": "keepalive", "on": "retransmit", "persist": "persist"]
            for line in ss.stdout.split(separator: "\n") {
                let fields = line.split(separator: " ")
                let kind = line.range(of: "timer:(").map { line[$0.upperBound...].prefix { $0 != "," } }
                let ours = listing.connections.first {
                    "\($0.local.endpoint)" == fields[3] && "\($0.remote.endpoint)" == fields[4].replacingOccurrences(of: ":*", with: ":0")
                }
                #expect(ours != nil, "\(line)")
                #expect(ours?.timer?.kind == kind.flatMap { ssNames[String($0)] }, "\(line)")
            }
        }

        @Test("the TIMER column shows the kind, time left and retransmissions")
        func timerColumn() throws {
            let peer = try OwnerPeer.shared()
            let result = try peer.tcpstates(["-o", "--state", "time-wait"])
            try #require(result.termination == .exited(0), "\(result)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.first?.split(separator: " ").last == "TIMER")
            let cell = try #require(lines.last?.split(separator: " ").last)
            let parts = cell.split(separator: ",")
            #expect(parts.count == 3 && parts[0] == "time_wait" && parts[2] == "0", "\(cell)")
            let seconds = Double(parts.count == 3 ? parts[1].dropLast() : "") ?? -1
            #expect(seconds > 0 && seconds <= 60, "\(cell)")
        }

        @Test("--info: an established loopback connection has an rtt, its byte counts and the congestion algorithm")
        func info() throws {
            let peer = try OwnerPeer.shared()
            let algorithm = try peer.run(["cat", "/proc/sys/net/ipv4/tcp_congestion_control"])
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let listing = try peer.json(["--info", "--port", "7100"])
            let established = listing.connections.filter { $0.state == "ESTABLISHED" }
            #expect(established.count == 2)
            for connection in established {
                let info = try #require(connection.tcpInfo, "\(connection.key)")
                #expect(info.rttMs > 0 && info.cwnd > 0)
                #expect(info.congestion == algorithm)
                // The client sent 1000 bytes, the server 2000.
                let sent = connection.remote.port == 7100 ? 1000 : 2000
                #expect(info.bytesSent == sent && info.bytesAcked >= sent, "\(connection.key)")
                #expect(info.bytesReceived == 3000 - sent, "\(connection.key)")
            }
            let table = try peer.tcpstates(["-i", "--state", "established", "-p", "7100"])
            #expect(table.stdout.split(separator: "\n").dropFirst().allSatisfy {
                $0.contains(" \(algorithm) rtt:") && $0.contains(" cwnd:") }, "\(table)")
            let timeWait = try peer.json(["-i", "--state", "time-wait"]).connections
            #expect(!timeWait.isEmpty && timeWait.allSatisfy { $0.tcpInfo == nil })
        }

        @Test("the proc source has no tcp_info: it says so in one line, and fills the timers")
        func procHasNoInfo() throws {
            let peer = try OwnerPeer.shared()
            let result = try peer.tcpstates(["-i", "-o", "--source", "proc", "--json"])
            try #require(result.termination == .exited(0), "\(result)")
            #expect(result.stderrIsOneLine && result.stderr.contains("tcp_info"), "\(result)")
            let listing = try DetailedListing.parse(result)
            #expect(listing.connections.allSatisfy { $0.tcpInfo == nil })
            #expect(listing.connections.contains { $0.timer?.kind == "time_wait" })
        }

        @Test("without --timers, --info or --processes the JSON has none of their members")
        func membersOnlyWhenAsked() throws {
            let peer = try OwnerPeer.shared()
            let result = try peer.tcpstates(["--json", "-tu"])
            for member in ["\"timer\"", "\"tcp_info\"", "\"process\""] {
                #expect(!result.stdout.contains(member), "\(member) in \(result)")
            }
            #expect(result.stdout.components(separatedBy: "\"protocol\"").count - 1
                    == (try DetailedListing.parse(result)).connections.count)
        }
    }
}
