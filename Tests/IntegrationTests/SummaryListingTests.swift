import Foundation
import Testing

/// tcpstates' `--summary --json` object.
struct SummaryJSON: Decodable {
    struct PortCounts: Decodable {
        let port: Int
        let total: Int
        let states: [String: Int]
    }

    struct Counts: Decodable {
        let total: Int
        let states: [String: Int]
    }

    /// The counts of one protocol, when TCP and UDP are counted together.
    struct ProtocolCounts: Decodable {
        let total: Int
        let states: [String: Int]
        let ports: [PortCounts]?
        let other: Counts?
    }

    let source: String
    let total: Int
    let states: [String: Int]?
    let ports: [PortCounts]?
    let other: Counts?
    let protocols: [String: ProtocolCounts]?
}

extension RealSockets {
    @Suite("Summaries and Prometheus output agree with the listing")
    struct Summaries {
        /// Non-zero counts per state.
        static func counts(_ connections: [JSONListing.Connection]) -> [String: Int] {
            connections.reduce(into: [:]) { $0[$1.state, default: 0] += 1 }
        }

        static func nonZero(_ counts: [String: Int]) -> [String: Int] { counts.filter { $0.value != 0 } }

        static func summary(_ namespace: PeerNamespace, _ arguments: [String]) throws -> SummaryJSON {
            let result = try namespace.tcpstates(arguments + ["--json"])
            try #require(result.termination == .exited(0), "\(result)")
            return try JSONDecoder().decode(SummaryJSON.self, from: Data(result.stdout.utf8))
        }

        /// The listeners' ports, from a listing of them alone.
        static func listenerPorts(_ namespace: PeerNamespace) throws -> Set<Int> {
            Set(try namespace.json(["-l"]).connections.map(\.local.port))
        }

        @Test("--summary counts exactly what the same listing lists, with every source and filter")
        func summaryMatchesListing() throws {
            let namespace = try PeerNamespace.shared()
            let port = try #require(namespace.truth.first { $0.state == "CLOSE_WAIT" }?.local.port)
            let remotePort = try #require(namespace.truth.first { $0.state == "ESTABLISHED" }?.remote.port)
            // One of each kind of filter: sources, states, ports, addresses, families.
            let filterSets: [[String]] = [
                [], ["--source", "proc", "-a", "-4"], ["-s", "connected"], ["-l"], ["--port", String(port)],
                ["--local-port", String(port), "--source", "proc"], ["--remote-port", String(remotePort)],
                ["--local", "127.0.0.1", "-a"], ["--remote", "::1"], ["--addr", "127.0.0.0/8", "-6"],
            ]
            for (index, filters) in filterSets.enumerated() {
                let listing = try namespace.json(filters)
                // --by-port has the totals of --summary too; both paths are run for the first few.
                for summaryOption in index < 3 ? [["--summary"], ["--by-port"]] : [["--by-port"]] {
                    let summary = try Self.summary(namespace, filters + summaryOption)
                    #expect(summary.source == listing.source, "\(filters)")
                    #expect(summary.total == listing.connections.count, "\(filters) \(summaryOption)")
                    #expect(Self.nonZero(summary.states ?? [:]) == Self.counts(listing.connections), "\(filters) \(summaryOption)")
                    let perPort = (summary.ports ?? []).map(\.total).reduce(0, +) + (summary.other?.total ?? 0)
                    if summaryOption == ["--by-port"] { #expect(perPort == listing.connections.count, "\(filters)") }
                }
            }
            // Every state of the filter is reported, zeros included.
            #expect(try Set(Self.summary(namespace, ["-S", "--all"]).states?.keys ?? [:].keys) == Set(Listing.kernelStates.values))
        }

        @Test("--by-port counts each socket under its listener's port, else other, whatever the filters")
        func byPortMatchesListing() throws {
            let namespace = try PeerNamespace.shared()
            let listeners = try Self.listenerPorts(namespace)
            try #require(!listeners.isEmpty)
            for filters in [["--all"], ["-s", "established,close-wait"]] {
                let listing = try namespace.json(filters)
                let summary = try Self.summary(namespace, filters + ["-S", "--by-port"])
                var expected: [Int: [JSONListing.Connection]] = [:]
                var other: [JSONListing.Connection] = []
                for c in listing.connections {
                    if listeners.contains(c.local.port) { expected[c.local.port, default: []].append(c) } else { other.append(c) }
                }
                let ports = summary.ports ?? []
                #expect(Set(ports.map(\.port)) == listeners, "\(filters): every listener port is reported")
                for entry in ports {
                    #expect(Self.nonZero(entry.states) == Self.counts(expected[entry.port] ?? []), "\(filters) port \(entry.port)")
                    #expect(entry.total == expected[entry.port]?.count ?? 0)
                }
                #expect(Self.nonZero(summary.other?.states ?? [:]) == Self.counts(other), "\(filters) other")
            }
        }

        @Test("the summary tables say what the JSON says")
        func tablesMatchJSON() throws {
            let namespace = try PeerNamespace.shared()
            let table = try namespace.tcpstates(["-S", "--all"])
            try #require(table.termination == .exited(0), "\(table)")
            let rows = table.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(rows.first == ["STATE", "COUNT"])
            let json = try Self.summary(namespace, ["-S", "--all"])
            #expect(rows.last == ["TOTAL", String(json.total)])
            #expect(Dictionary(uniqueKeysWithValues: rows.dropFirst().dropLast().map { ($0[0], Int($0[1]) ?? -1) }) == json.states ?? [:])

            let byPort = try namespace.tcpstates(["-S", "--by-port", "--all", "--no-header"])
            try #require(byPort.termination == .exited(0), "\(byPort)")
            let portJSON = try Self.summary(namespace, ["-S", "--by-port", "--all"])
            var fromTable: [String: Int] = [:]
            for row in byPort.stdout.split(separator: "\n").map({ $0.split(separator: " ").map(String.init) }) {
                try #require(row.count == 3, "\(row)")
                fromTable["\(row[0]) \(row[1])"] = Int(row[2])
            }
            var fromJSON: [String: Int] = [:]
            for entry in portJSON.ports ?? [] { for (s, n) in entry.states where n > 0 { fromJSON["\(entry.port) \(s)"] = n } }
            for (s, n) in portJSON.other?.states ?? [:] where n > 0 { fromJSON["other \(s)"] = n }
            #expect(fromTable == fromJSON)
        }

        @Test("--format prometheus parses with prometheus_client and counts the listing",
              .enabled(if: PrometheusParser.isAvailable, "needs python3 with prometheus-client (make test installs it)"))
        func prometheusParses() throws {
            let namespace = try PeerNamespace.shared()
            let listeners = try Self.listenerPorts(namespace)
            let listing = try namespace.json(["--all"])
            let result = try namespace.tcpstates(["--format", "prometheus", "--all"])
            try #require(result.termination == .exited(0), "\(result)")
            let samples = try PrometheusParser.parse(result.stdout)
            try #require(!samples.isEmpty)
            var expected: [String: Double] = [:]
            for c in listing.connections {
                let port = listeners.contains(c.local.port) ? String(c.local.port) : "other"
                expected["tcp \(c.state) \(port) \(c.family)", default: 0] += 1
            }
            var parsed: [String: Double] = [:]
            for sample in samples {
                #expect(sample.metric == "tcpstates_connections" && sample.type == "gauge", "\(sample)")
                #expect(Set(sample.labels.keys) == ["protocol", "state", "port", "family"], "\(sample)")
                let key = ["protocol", "state", "port", "family"].map { sample.labels[$0] ?? "" }.joined(separator: " ")
                #expect(parsed[key] == nil, "\(key) is repeated")
                parsed[key] = sample.value
            }
            #expect(parsed.filter { $0.value != 0 } == expected)
            // The label set is bounded: listener ports and "other", nothing else.
            #expect(Set(samples.compactMap { $0.labels["port"] }) == Set(listeners.map(String.init) + ["other"]))
        }
    }
}

extension OwnedSockets {
    @Suite("Summaries count what the listing lists: owners, UDP, namespaces")
    struct OwnerSummaries {
        /// Non-zero counts per protocol and state, as `PROTO STATE`.
        static func counts(_ connections: [DetailedListing.Connection]) -> [String: Int] {
            connections.reduce(into: [:]) { $0["\($1.protocol) \($1.state)", default: 0] += 1 }
        }

        /// The same from a summary: one protocol's states, or each protocol's.
        static func counts(_ summary: SummaryJSON, protocol name: String) -> [String: Int] {
            var counts: [String: Int] = [:]
            if let protocols = summary.protocols {
                for (proto, entry) in protocols { for (state, n) in entry.states where n > 0 { counts["\(proto) \(state)"] = n } }
            } else {
                for (state, n) in summary.states ?? [:] where n > 0 { counts["\(name) \(state)"] = n }
            }
            return counts
        }

        static func summary(_ peer: OwnerPeer, _ arguments: [String]) throws -> SummaryJSON {
            let result = try peer.tcpstates(arguments + ["--json"])
            try #require(result.termination == .exited(0), "\(result)")
            #expect(result.stderr.isEmpty, "\(result)")
            return try JSONDecoder().decode(SummaryJSON.self, from: Data(result.stdout.utf8))
        }

        @Test("--summary and --by-port honour --pid, --command, --udp and --tcp --udp")
        func ownersAndProtocols() throws {
            let peer = try OwnerPeer.shared()
            let main = String(try #require(peer.pids["main"])), sharer = String(try #require(peer.pids["sharer"]))
            let filterSets: [[String]] = [
                ["--pid", main], ["--pid", sharer], ["--command", "tcpstates-testpeer"], ["--pid", main, "-a"],
                ["-u"], ["-u", "-l"], ["-u", "-s", "established"], ["-u", "--pid", main], ["-t", "-u"],
                ["-t", "-u", "--command", "tcpstates-testpeer"], ["-u", "-p", "7200"],
            ]
            for (index, filters) in filterSets.enumerated() {
                let listing = try peer.json(filters)
                let name = filters.contains("-u") && !filters.contains("-t") ? "udp" : "tcp"
                for summaryOption in index % 3 == 0 ? [["-S"], ["--by-port"]] : [["--by-port"]] {
                    let summary = try Self.summary(peer, filters + summaryOption)
                    #expect(summary.total == listing.connections.count, "\(filters) \(summaryOption)")
                    #expect(Self.counts(summary, protocol: name) == Self.counts(listing.connections), "\(filters) \(summaryOption)")
                }
            }
            // An owner filter narrows the count below the whole namespace's.
            let whole = try Self.summary(peer, ["-S"]).total
            #expect(try Self.summary(peer, ["-S", "--pid", sharer]).total < whole)
        }

        @Test("UDP rows are UNCONN and ESTABLISHED and add up to the total")
        func udpRows() throws {
            let peer = try OwnerPeer.shared()
            let table = try peer.tcpstates(["-S", "-u"])
            try #require(table.termination == .exited(0), "\(table)")
            let rows = table.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(rows.map { $0[0] } == ["STATE", "UNCONN", "ESTABLISHED", "TOTAL"], "\(table)")
            let sum = rows.dropFirst().dropLast().compactMap { Int($0[1]) }.reduce(0, +)
            let listed = try peer.json(["-u"]).connections.count
            #expect(sum == Int(rows.last?[1] ?? "") && sum == listed, "\(table)")
            let byPort = try peer.tcpstates(["-S", "-u", "--by-port", "--no-header"])
            try #require(byPort.termination == .exited(0), "\(byPort)")
            #expect(byPort.stdout.split(separator: "\n").contains { $0.split(separator: " ") == ["7200", "UNCONN", "1"] },
                    "\(byPort)")
        }

        @Test("Prometheus output labels UDP series udp, with the served port",
              .enabled(if: PrometheusParser.isAvailable, "needs python3 with prometheus-client (make test installs it)"))
        func prometheusUDP() throws {
            let peer = try OwnerPeer.shared()
            let result = try peer.tcpstates(["--format", "prometheus", "-t", "-u"])
            try #require(result.termination == .exited(0), "\(result)")
            let samples = try PrometheusParser.parse(result.stdout)
            let udp = samples.filter { $0.labels["protocol"] == "udp" }
            #expect(Set(udp.compactMap { $0.labels["state"] }) == ["UNCONN", "ESTABLISHED"])
            #expect(udp.contains { $0.labels["port"] == "7200" && $0.labels["state"] == "UNCONN" && $0.value == 1 })
            let listing = try peer.json(["-t", "-u"]).connections
            for name in ["tcp", "udp"] {
                let sum = samples.filter { $0.labels["protocol"] == name }.map(\.value).reduce(0, +)
                #expect(Int(sum) == listing.filter { $0.protocol == name }.count, "\(name)")
            }
        }

        @Test("--netns counts the namespace it lists", .enabled(if: TestEnvironment.isRoot))
        func namespace() throws {
            let peer = try OwnerPeer.shared()
            let tcpstates = try TestEnvironment.binary("tcpstates")
            let listing = try Subprocess.run([tcpstates, "--netns", peer.name, "-t", "-u", "--json"])
            try #require(listing.termination == .exited(0), "\(listing)")
            let connections = try DetailedListing.parse(listing).connections
            let result = try Subprocess.run([tcpstates, "--netns", peer.name, "-t", "-u", "-S", "--json"])
            try #require(result.termination == .exited(0), "\(result)")
            let summary = try JSONDecoder().decode(SummaryJSON.self, from: Data(result.stdout.utf8))
            #expect(summary.total == connections.count && Self.counts(summary, protocol: "tcp") == Self.counts(connections))
        }

        @Test("an option a summary cannot honour is a usage error", arguments: [
            ["-S", "-P"], ["-S", "--timers"], ["--by-port", "-i"], ["--format", "prometheus", "-P"], ["-S", "--sort", "port"],
        ])
        func refused(_ arguments: [String]) throws {
            let result = try OwnerPeer.shared().tcpstates(arguments)
            #expect(result.termination == .exited(64), "\(result)")
            #expect(result.stderrIsOneLine && result.stdout.isEmpty, "\(result)")
        }
    }
}

/// The `prometheus-client` Python package's exposition parser, run on text.
enum PrometheusParser {
    struct Sample: Decodable, CustomStringConvertible {
        let metric: String
        let type: String
        let labels: [String: String]
        let value: Double
        var description: String { "\(metric) \(labels) \(value) (\(type))" }
    }

    /// Where `make python-deps` installs the package.
    static let environment = ["env", "PYTHONPATH=\(Checkout.root)/.build/python"]

    static let isAvailable: Bool = {
        (try? Subprocess.run(environment + ["python3", "-c", "import prometheus_client"]))?.termination == .exited(0)
    }()

    static let script = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        out = []
        for family in text_string_to_metric_families(sys.stdin.read()):
            for s in family.samples:
                out.append({"metric": family.name, "type": family.type, "labels": s.labels, "value": s.value})
        print(json.dumps(out))
        """

    static func parse(_ text: String) throws -> [Sample] {
        let result = try Subprocess.run(environment + ["python3", "-c", script], input: text)
        try #require(result.termination == .exited(0), "prometheus_client rejects the output: \(result)")
        return try JSONDecoder().decode([Sample].self, from: Data(result.stdout.utf8))
    }
}
