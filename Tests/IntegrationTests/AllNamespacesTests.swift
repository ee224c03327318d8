import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `--all-netns` and `--netns a,b` against namespaces of known sockets. Other
/// tests' and other users' namespaces exist at the same time: only this
/// fleet's are checked, by inode.
@Suite(
    "every network namespace at once",
    .serialized,
    .enabled(if: TestEnvironment.isRoot, "needs root (ip netns, unshare)"),
    .enabled(if: ["ip", "ss", "unshare", "nsenter"].allSatisfy { Subprocess.which($0) != nil },
             "needs ip, ss, unshare and nsenter in PATH"),
    .namespaceFleet
)
struct AllNamespacesTests {
    /// Every socket of the fleet is on these ports; other users' namespaces
    /// may hold 100k sockets, whose listing would only slow the tests down.
    static let ports = ["-p", "7000,7001"]

    @Test("--all-netns lists each socket of each namespace once, with its namespace, as ss inside each does")
    func listsEveryNamespace() throws {
        let fleet = try NamespaceFleet.shared()
        let listing = try fleet.json(["--all-netns"] + Self.ports)
        for member in fleet.members {
            let rows = listing.connections.filter { $0.netns.inode == member.inode }
            let truth = try fleet.ss(member)
            #expect(rows.map(\.record).sorted() == truth, "\(member.label)")
            #expect(Set(rows.map(\.record)).count == rows.count, "\(member.label): no socket twice")
            #expect(!truth.isEmpty)
            for row in rows {
                #expect(row.netns.name == member.name, "\(member.label)")
                #expect(row.netns.container == nil, "test holders run in no container")
            }
            if member.name == nil {
                #expect(rows.first?.netns.pid == member.holderPID, "the unshared namespace names its holder")
            }
        }
        // The three namespaces hold different sockets: a mix-up would show.
        #expect(Set(fleet.members.map { listing.records(in: $0.inode) }).count == 3)
    }

    @Test("the table's NETNS column names each row's namespace: the name, else net:[INODE]")
    func tableColumn() throws {
        let fleet = try NamespaceFleet.shared()
        let result = try fleet.run(["--all-netns"] + Self.ports)
        try #require(result.termination == .exited(0) && result.stderr.isEmpty, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ") == ["STATE", "RECV-Q", "SEND-Q", "LOCAL", "REMOTE", "NETNS"])
        for member in fleet.members {
            let rows = lines.filter { $0.hasSuffix("  " + member.label) }
            let records = rows.compactMap { line -> String? in
                let f = line.split(separator: " ")
                guard f.count >= 6, let local = Endpoint(parsing: f[3]), let remote = Endpoint(parsing: f[4]) else { return nil }
                return SocketRecord(state: String(f[0]), local: local, remote: remote).description
            }
            #expect(records.sorted() == (try fleet.ss(member)), "\(member.label): \(rows)")
        }
    }

    @Test("every listing option works per namespace as it does in one",
          arguments: [["-l"], ["-s", "established", "--port", "7000"], ["--sort", "port"], ["-4"],
                      ["-o"], ["-i"], ["-P"], ["--udp", "--tcp"], ["--all"], ["--source", "proc"]])
    func options(_ options: [String]) throws {
        let fleet = try NamespaceFleet.shared()
        let all = try fleet.json(["--all-netns"] + Self.ports + options)
        for member in fleet.members {
            let path = member.name ?? "/proc/\(member.holderPID)/ns/net"
            let single = try fleet.run(["--netns", path, "--json"] + Self.ports + options)
            try #require(single.termination == .exited(0), "\(single)")
            let alone = try JSONListing.parse(single).connections.map(\.record.description)
            #expect(all.records(in: member.inode) == alone.sorted(), "\(options) \(member.label)")
            if options == ["--sort", "port"] {
                // Sorted as a whole; within one namespace that is its own sorted order.
                let ours = all.connections.filter { $0.netns.inode == member.inode }.map(\.record)
                #expect(ours == alone, "\(member.label): sorted the same")
            }
        }
        if options == ["--sort", "port"] {
            let ports = all.connections.map(\.local.port)
            #expect(ports == ports.sorted(), "one order across namespaces")
        }
    }

    @Test("--netns a,b lists exactly those namespaces, in that order")
    func commaList() throws {
        let fleet = try NamespaceFleet.shared()
        let (a, b) = (fleet.members[0], fleet.members[1])
        let listing = try fleet.json(["--netns", "\(b.name!),\(a.name!)"])
        #expect(Set(listing.connections.map(\.netns.inode)) == [a.inode, b.inode])
        #expect(listing.connections.first?.netns.inode == b.inode)
        #expect(listing.records(in: a.inode) == (try fleet.ss(a)))
        let missing = try fleet.run(["--netns", "\(a.name!),tcpst-an-no-such-namespace"])
        #expect(missing.termination == .exited(1) && missing.stderrIsOneLine, "\(missing)")
        let empty = try fleet.run(["--netns", "\(a.name!),"])
        #expect(empty.termination == .exited(64) && empty.stderrIsOneLine, "\(empty)")
        let both = try fleet.run(["--netns", a.name!, "--all-netns"])
        #expect(both.termination == .exited(64) && both.stderrIsOneLine, "\(both)")
    }

    @Test("unprivileged, --all-netns lists its own namespace, says in one line how many it could not enter, exits 0",
          .enabled(if: TestEnvironment.hasSetpriv, "needs setpriv"))
    func unprivileged() throws {
        let fleet = try NamespaceFleet.shared()
        let binary = try UnprivilegedCopy.path(of: fleet.tcpstates) { try Subprocess.run($0) }
        defer { UnprivilegedCopy.remove(binary, original: fleet.tcpstates) }
        let nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", binary]
        let result = try Subprocess.run(nobody + ["--all-netns", "--json"])
        #expect(result.termination == .exited(0), "\(result)")
        #expect(result.stderrIsOneLine && result.stderr.contains("could not enter"), "\(result)")
        let listing = try JSONDecoder().decode(NetnsListing.self, from: Data(result.stdout.utf8))
        var own = stat()
        try #require(stat("/proc/self/ns/net", &own) == 0)
        #expect(listing.connections.allSatisfy { $0.netns.inode == Int(own.st_ino) })
        let named = try Subprocess.run(nobody + ["--netns", "\(fleet.members[0].name!),\(fleet.members[1].name!)"])
        #expect(named.termination == .exited(1) && named.stderrIsOneLine && named.stderr.contains("root"), "\(named)")
    }

    /// Non-zero counts per state of what ss lists inside a member.
    static func ssCounts(_ fleet: NamespaceFleet, _ member: NamespaceFleet.Member) throws -> [String: Int] {
        try fleet.ss(member).reduce(into: [:]) { counts, line in counts[String(line.split(separator: " ")[0]), default: 0] += 1 }
    }

    @Test("--summary and --by-port count per namespace: each namespace's counts are what ss lists in it")
    func summaryPerNamespace() throws {
        let fleet = try NamespaceFleet.shared()
        struct Summary: Decodable {
            struct Entry: Decodable {
                let netns: NetnsListing.Namespace
                let total: Int
                let states: [String: Int]
                let ports: [SummaryJSON.PortCounts]?
            }
            let total: Int
            let namespaces: [Entry]
        }
        let result = try fleet.run(["--all-netns", "--summary", "--json"])
        try #require(result.termination == .exited(0) && result.stderr.isEmpty, "\(result)")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(result.stdout.utf8))
        #expect(summary.total == summary.namespaces.map(\.total).reduce(0, +))
        for member in fleet.members {
            let entries = summary.namespaces.filter { $0.netns.inode == member.inode }
            try #require(entries.count == 1, "\(member.label) once")
            let truth = try Self.ssCounts(fleet, member)
            #expect(entries[0].states.filter { $0.value != 0 } == truth, "\(member.label)")
            #expect(entries[0].total == truth.values.reduce(0, +))
            #expect(entries[0].netns.name == member.name)
        }
        let byPort = try fleet.run(["--all-netns", "--by-port", "--json"])
        try #require(byPort.termination == .exited(0), "\(byPort)")
        let ports = try JSONDecoder().decode(Summary.self, from: Data(byPort.stdout.utf8))
        for member in fleet.members {
            let entry = try #require(ports.namespaces.first { $0.netns.inode == member.inode })
            // The listeners (7000, and 7001 in one) and the sockets they accepted count under their
            // port, each in its own namespace; the clients' ends are "other".
            let served = try fleet.ss(member).filter { line in
                let local = line.split(separator: " ")[1]
                return local.hasSuffix(":7000") || local.hasSuffix(":7001")
            }
            let counted = (entry.ports ?? []).map(\.total).reduce(0, +)
            #expect(counted == served.count, "\(member.label): \(String(describing: entry.ports))")
        }
        let table = try fleet.run(["--all-netns", "--summary"])
        try #require(table.termination == .exited(0), "\(table)")
        #expect(table.stdout.hasPrefix("NETNS"), "\(table)")
        for member in fleet.members {
            let total = table.stdout.split(separator: "\n").first { $0.hasPrefix(member.label + " ") && $0.contains(" TOTAL ") }
            #expect(total?.split(separator: " ").last.flatMap { Int($0) } == (try Self.ssCounts(fleet, member)).values.reduce(0, +),
                    "\(member.label)")
        }
    }

    @Test("--format prometheus parses, with a netns label (the name, else the inode) carrying each namespace's counts",
          .enabled(if: PrometheusParser.isAvailable, "needs python3 with prometheus-client (make test installs it)"))
    func prometheusPerNamespace() throws {
        let fleet = try NamespaceFleet.shared()
        let result = try fleet.run(["--all-netns", "--format", "prometheus"])
        try #require(result.termination == .exited(0), "\(result)")
        let samples = try PrometheusParser.parse(result.stdout)
        for sample in samples {
            #expect(Set(sample.labels.keys) == ["netns", "protocol", "state", "port", "family"], "\(sample)")
        }
        for member in fleet.members {
            let label = member.name ?? String(member.inode)
            var counts: [String: Int] = [:]
            for sample in samples where sample.labels["netns"] == label && sample.value != 0 {
                counts[sample.labels["state"] ?? "", default: 0] += Int(sample.value)
            }
            #expect(counts == (try Self.ssCounts(fleet, member)), "\(label)")
        }
    }
}
