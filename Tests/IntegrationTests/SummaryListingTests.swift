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

    let source: String
    let total: Int
    let states: [String: Int]
    let ports: [PortCounts]?
    let other: Counts?
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
            for filters in [[], ["--all"], ["--source", "proc"], ["-s", "connected"], ["--port", String(port)], ["-6"]] {
                let listing = try namespace.json(filters)
                let summary = try Self.summary(namespace, filters + ["--summary"])
                #expect(summary.source == listing.source, "\(filters)")
                #expect(summary.total == listing.connections.count, "\(filters)")
                #expect(Self.nonZero(summary.states) == Self.counts(listing.connections), "\(filters)")
            }
            // Every state of the filter is reported, zeros included.
            #expect(try Set(Self.summary(namespace, ["-S", "--all"]).states.keys) == Set(Listing.kernelStates.values))
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
            #expect(Dictionary(uniqueKeysWithValues: rows.dropFirst().dropLast().map { ($0[0], Int($0[1]) ?? -1) }) == json.states)

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
                expected["\(c.state) \(port) \(c.family)", default: 0] += 1
            }
            var parsed: [String: Double] = [:]
            for sample in samples {
                #expect(sample.metric == "tcpstates_connections" && sample.type == "gauge", "\(sample)")
                #expect(Set(sample.labels.keys) == ["state", "port", "family"], "\(sample)")
                let key = "\(sample.labels["state"] ?? "") \(sample.labels["port"] ?? "") \(sample.labels["family"] ?? "")"
                #expect(parsed[key] == nil, "\(key) is repeated")
                parsed[key] = sample.value
            }
            #expect(parsed.filter { $0.value != 0 } == expected)
            // The label set is bounded: listener ports and "other", nothing else.
            #expect(Set(samples.compactMap { $0.labels["port"] }) == Set(listeners.map(String.init) + ["other"]))
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
