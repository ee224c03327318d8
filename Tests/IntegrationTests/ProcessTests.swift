import Foundation
import Testing

extension OwnedSockets {
    @Suite("--processes, --pid, --command")
    struct Processes {
        /// `ss -tuanpH` as `LOCAL REMOTE` -> the pids ss names, with the rows a
        /// newline in a process name splits joined back together.
        static func ssOwners(_ peer: OwnerPeer) throws -> [String: Set<Int>] {
            let ss = try peer.run(["ss", "-tuanpH"])
            try #require(ss.termination == .exited(0), "\(ss)")
            var rows: [String] = []
            for line in ss.stdout.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
                if line.hasPrefix("tcp ") || line.hasPrefix("udp ") || rows.isEmpty {
                    rows.append(String(line))
                } else {
                    rows[rows.count - 1] += "\n" + line
                }
            }
            var owners: [String: Set<Int>] = [:]
            for row in rows {
                let fields = row.split(separator: " ")
                guard fields.count >= 6 else { continue }
                let pids = row.components(separatedBy: "pid=").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
                let remote = fields[5].hasSuffix(":*") ? fields[5].dropLast() + "0" : fields[5]
                owners["\(fields[4]) \(remote)"] = Set(pids)
            }
            return owners
        }

        @Test("owners agree with ss -tuanp: the shared listener lists both processes, TIME_WAIT none")
        func ownersAgreeWithSS() throws {
            let peer = try OwnerPeer.shared()
            let listing = try peer.json(["--processes", "-tu"])
            let ss = try Self.ssOwners(peer)
            #expect(listing.connections.count == ss.count)
            for connection in listing.connections {
                let ours = Set((connection.process ?? []).map(\.pid))
                #expect(ours == ss["\(connection.local.endpoint) \(connection.remote.endpoint)"], "\(connection.key)")
            }
            let pids = peer.pids
            let shared = try #require(listing.connections.first { $0.state == "LISTEN" && $0.local.port == 7100 })
            #expect(Set((shared.process ?? []).map(\.pid)) == [pids["main"]!, pids["sharer"]!])
            for connection in listing.connections where connection.state == "ESTABLISHED" {
                #expect(connection.process?.map(\.pid) == [pids["main"]!], "\(connection.key)")
            }
            let timeWait = try #require(listing.connections.first { $0.state == "TIME_WAIT" })
            #expect(timeWait.process == [], "TIME_WAIT is owned by no process")
            let nobody = try #require(listing.local(port: 7400).first?.process?.first)
            #expect(nobody.pid == pids["nobody"] && nobody.uid == 65534 && nobody.user == "nobody")
            #expect(try peer.json([]).connections.allSatisfy { $0.process == nil }, "process only when asked")
        }

        @Test("a hostile process name is escaped in the table and exact in JSON")
        func hostileNameIsEscaped() throws {
            let peer = try OwnerPeer.shared()
            let owner = try #require(try peer.json(["-P"]).local(port: 7300).first?.process?.first)
            #expect(owner.command == OwnerPeer.hostileName)
            #expect(owner.pid == peer.pids["hostile"])
            let table = try peer.tcpstates(["-P", "--port", "7300"])
            try #require(table.termination == .exited(0), "\(table)")
            #expect(!table.stdout.utf8.contains(0x1B), "an ESC byte reached the terminal")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.count == 2, "\(table)")
            #expect(lines.last?.hasSuffix(#"\#(owner.pid)/\x1b[2Jevil\nname"#) == true, "\(table)")
            let raw = try peer.tcpstates(["-P", "--port", "7300", "--json"])
            #expect(raw.stdout.contains(#""command": "\u001b[2Jevil\nname""#), "\(raw)")
        }

        @Test("--pid and --command list only sockets of matching processes")
        func ownerFilters() throws {
            let peer = try OwnerPeer.shared()
            let sharer = try peer.json(["--pid", String(peer.pids["sharer"]!)]).connections.map(\.key)
            #expect(sharer == ["tcp LISTEN 127.0.0.1:7100 0.0.0.0:0"])
            let hostile = try peer.json(["--command", OwnerPeer.hostileName]).connections.map(\.key)
            #expect(hostile == ["tcp LISTEN 127.0.0.1:7300 0.0.0.0:0"])
            let main = try peer.json(["-tu", "--pid", String(peer.pids["main"]!)]).connections
            #expect(main.count == 6, "\(main.map(\.key))")  // 7100, 7500, the pair, the two UDP sockets
            #expect(try peer.json(["--pid", "2147483647"]).connections.isEmpty)
            #expect(try peer.json(["--command", "no-such-name"]).connections.isEmpty)
            for bad in [["--pid", "0"], ["--pid", "x"], ["--command", ""]] {
                let result = try peer.tcpstates(bad)
                #expect(result.termination == .exited(64) && result.stderrIsOneLine, "\(result)")
            }
        }

        @Test("an unprivileged run finds its own user's process, no other, and says why in one line",
              .enabled(if: TestEnvironment.hasSetpriv, "needs setpriv"))
        func unprivileged() throws {
            let peer = try OwnerPeer.shared()
            let binary = try UnprivilegedCopy.path(of: peer.tcpstates) { try peer.run($0) }
            defer { UnprivilegedCopy.remove(binary, original: peer.tcpstates) }
            let result = try peer.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                       binary, "-P", "--json"])
            try #require(result.termination == .exited(0), "\(result)")
            #expect(result.stderrIsOneLine && result.stderr.contains("root"), "\(result)")
            let listing = try DetailedListing.parse(result)
            for connection in listing.connections {
                let expected = connection.local.port == 7400 ? [peer.pids["nobody"]!] : []
                #expect(connection.process?.map(\.pid) == expected, "\(connection.key)")
            }
        }
    }
}
