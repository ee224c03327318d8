import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// README's claims about tcpstates' output, kept in step with real output.
enum Readme {
    /// One `$ tcpstates ...` (or `# tcpstates ...`) line of a console block
    /// and the output README shows under it.
    struct Example: CustomStringConvertible {
        var arguments: [String]
        var output: [String]
        var description: String { "tcpstates " + arguments.joined(separator: " ") }
    }

    static func text() throws -> String { try Checkout.text("README.md") }

    /// The README's examples that show their output, in order. Commands with
    /// pipes, quotes or comments, watch and trace (which do not end by
    /// themselves, or ran elsewhere) and kill (which would end the sockets
    /// the other tests need) are left out.
    static func examples() throws -> [Example] {
        var examples: [Example] = []
        var inConsole = false
        var current: Example?
        func close() {
            if let example = current, !example.output.isEmpty { examples.append(example) }
            current = nil
        }
        for line in try text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                close()
                inConsole = line == "```console"
                continue
            }
            guard inConsole else { continue }
            if line.hasPrefix("$ ") || line.hasPrefix("# ") {
                close()
                let command = line.dropFirst(2)
                let words = command.split(separator: " ").map(String.init)
                guard words.first == "tcpstates", !command.contains(where: { "#|'\"".contains($0) }),
                      !words.contains(where: { ["trace", "kill", "-w", "--watch", "--help"].contains($0) }) else { continue }
                current = Example(arguments: Array(words.dropFirst()), output: [])
            } else {
                current?.output.append(line)
            }
        }
        close()
        return examples
    }

    /// What varies from run to run and is not a claim: inodes and pids; and
    /// the columns' padding, which the renderers' own tests check.
    static func normalized(_ line: String) -> String {
        line.replacing(#/"inode": [0-9]+/#, with: "\"inode\": N")
            .replacing(#/(^|[ ,])[0-9]+\//#) { "\($0.output.1)PID/" }
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// README's text with its line breaks undone, for finding a sentence.
    static func flowing() throws -> String {
        try text().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

@Suite("README")
struct ReadmeTests {
    @Test("the performance table is what bench/readme-table.sh makes of bench/RESULTS.md")
    func performanceTableIsCurrent() throws {
        let result = try Subprocess.run(["sh", "\(Checkout.root)/bench/readme-table.sh",
                                         "\(Checkout.root)/bench/RESULTS.md"])
        try #require(result.termination == .exited(0), "\(result)")
        let readme = try Readme.text()
        let begin = try #require(readme.range(of: "<!-- bench/readme-table.sh: begin"))
        let afterMarker = try #require(readme.range(of: "-->\n", range: begin.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "<!-- bench/readme-table.sh: end", range: afterMarker.upperBound..<readme.endIndex))
        let section = String(readme[afterMarker.upperBound..<end.lowerBound])
        #expect(section == result.stdout,
                "README's performance table is stale: run make docs (\(Checkout.firstDifference(section, result.stdout)))")
        #expect(result.stdout.contains("| `tcpstates` | `ss -tan` |"), "\(result.stdout)")
    }

    @Test("README shows one set of performance figures: the generated table's")
    func onePerformanceTable() throws {
        let readme = try Readme.text()
        let tables = readme.components(separatedBy: "| tcpstates ms |").count - 1
        #expect(tables == 1)
        #expect(!readme.contains(" MB)") && !readme.contains("0.22 s"), "figures outside the generated table")
    }
}

extension RealSockets {
    @Suite("README's examples are real output")
    struct ReadmeOutput {
        @Test("every example with output gives that output here (rows in any order unless sorted)")
        func examplesAreRealOutput() throws {
            let namespace = try PeerNamespace.shared()
            let examples = try Readme.examples()
            try #require(examples.contains { $0.arguments.contains("--json") }, "README has a JSON example")
            for example in examples {
                let result = try namespace.tcpstates(example.arguments)
                try #require(result.termination == .exited(0), "\(example): \(result)")
                let real = result.stdout.split(separator: "\n").map { Readme.normalized(String($0)) }
                let shown = example.output.map(Readme.normalized)
                if example.arguments.contains("--sort") || example.arguments.contains("-S") {
                    #expect(real == shown, "\(example)\nREADME:\n\(shown.joined(separator: "\n"))\nreal:\n\(result.stdout)")
                } else {
                    #expect(real.first == shown.first, "\(example): header")
                    #expect(real.dropFirst().sorted() == shown.dropFirst().sorted(),
                            "\(example)\nREADME:\n\(shown.joined(separator: "\n"))\nreal:\n\(result.stdout)")
                }
            }
        }

        @Test("the JSON example has every member of real output, in the same order")
        func jsonExampleHasTheRealMembers() throws {
            let namespace = try PeerNamespace.shared()
            let example = try #require(try Readme.examples().first { $0.arguments.contains("--json") })
            let shown = try JSONSerialization.jsonObject(with: Data(example.output.joined(separator: "\n").utf8))
                as? [String: Any]
            let real = try namespace.json(example.arguments.filter { $0 != "--json" })
            let rows = try #require(shown?["connections"] as? [[String: Any]])
            #expect(rows.count == real.connections.count)
            // Member order as written: the text of the first connection line.
            func memberNames(_ line: String) -> [String] {
                line.matches(of: #/"([a-z_]+)": /#).map { String($0.output.1) }
            }
            let realResult = try namespace.tcpstates(example.arguments)
            let realLine = try #require(realResult.stdout.split(separator: "\n").dropFirst().first)
            let realMembers = memberNames(String(realLine))
            #expect(realMembers.contains("protocol"))
            for line in example.output.dropFirst().dropLast() {
                #expect(memberNames(line) == realMembers, "\(line)")
            }
        }

        @Test("rows come as README says: listeners, then CLOSED, then the rest, IPv4 and IPv6 mixed")
        func rowOrderIsAsDocumented() throws {
            let claim = "Without `--sort`, rows come in the kernel's order: listening sockets first, "
                + "then CLOSED ones (with `--all`), then the rest in the order of the kernel's "
                + "connection hash table, IPv4 and IPv6 mixed"
            #expect(try Readme.flowing().contains(claim), "README no longer says this; change the test with it")
            let namespace = try PeerNamespace.shared()
            let result = try namespace.tcpstates(["--all", "--no-header"])
            try #require(result.termination == .exited(0), "\(result)")
            let rows = result.stdout.split(separator: "\n").map { $0.split(separator: " ") }
            let phases = rows.map { $0[0] == "LISTEN" ? 0 : $0[0] == "CLOSED" ? 1 : 2 }
            #expect(phases == phases.sorted(), "\(result.stdout)")
            #expect(Set(phases) == [0, 1, 2], "the namespace has sockets of every phase")
            // The peer has an IPv6 listener: it comes before IPv4 connections.
            let isIPv6 = rows.map { $0[3].hasPrefix("[") }
            let firstIPv6 = try #require(isIPv6.firstIndex(of: true))
            #expect(isIPv6[firstIPv6...].contains(false), "not IPv4 before IPv6: \(result.stdout)")
        }
    }
}

extension OwnedSockets {
    @Suite("README's row order with UDP")
    struct ReadmeUDPOrder {
        @Test("UDP rows come after the TCP ones, as README says")
        func udpAfterTCP() throws {
            #expect(try Readme.flowing().contains("IPv4 and IPv6 mixed; UDP after TCP."))
            let peer = try OwnerPeer.shared()
            let result = try peer.tcpstates(["-t", "-u", "--no-header"])
            try #require(result.termination == .exited(0), "\(result)")
            let protocols = result.stdout.split(separator: "\n").map { $0.prefix(3) }
            #expect(Set(protocols) == ["tcp", "udp"], "\(result.stdout)")
            #expect(protocols == protocols.sorted(), "\(result.stdout)")
        }
    }
}
