import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Past the rows the table measures, it streams in fixed widths: against a
/// few thousand real sockets it must still list exactly what ss lists, every
/// row lined up, and as narrow as ss (issue 15, item 4).
@Suite(
    "A listing too long to measure",
    .enabled(if: TestEnvironment.isRoot, "needs root (ip netns)"),
    .enabled(if: TestEnvironment.hasNamespaceTools, "needs ip and ss in PATH")
)
struct LargeListingTests {
    /// 3000 established sockets, 4 listeners, 20 TIME_WAIT: well past the 1024 measured rows.
    static let connections = 1500
    /// TableRenderer.measuredRows (these tests run the binary and do not link the library).
    static let measuredRows = 1024

    @Test("a streamed table lists what ss lists, aligned, and an all-IPv4 one is no wider than ss -tan")
    func streamedTableMatchesSs() throws {
        let name = "tcpst-b-test-\(getpid())"
        _ = try? Subprocess.run(["ip", "netns", "del", name])
        try #require(try Subprocess.run(["ip", "netns", "add", name]).termination == .exited(0))
        defer { _ = try? Subprocess.run(["ip", "netns", "del", name]) }
        _ = try Subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"])
        let holder = try ChildProcess([
            "ip", "netns", "exec", name, try TestEnvironment.binary("tcpstates-testpeer"), "hold",
            "--connections", "\(Self.connections)", "--port", "7100", "--listeners", "3", "--time-wait", "20",
        ])
        defer { holder.stop() }
        let ready = try holder.collect(until: .now + .seconds(60)) { $0.hasSuffix("READY\n") }
        try #require(ready.stdout.hasSuffix("READY\n"), "holder: \(ready.stderr)")

        let tcpstates = try TestEnvironment.binary("tcpstates")
        let ss = try Subprocess.run(["ip", "netns", "exec", name, "ss", "-tanH"])
        let expected = try SSListing.parse(ss.stdout).get()
        #expect(expected.count > Self.measuredRows + 1000)
        let ssWidth = try Subprocess.run(["ip", "netns", "exec", name, "ss", "-tan"]).stdout
            .split(separator: "\n").map(\.count).max() ?? 0
        // Every socket here is IPv4: with or without -4, the LOCAL column is as
        // wide as the widest IPv4 endpoint can be, and lines keep to the 80
        // columns that ss -tan keeps to (ss measures all its rows: it may be narrower).
        for family in [[String](), ["-4"]] {
            let result = try Subprocess.run(["ip", "netns", "exec", name, tcpstates] + family)
            try #require(result.termination == .exited(0), "\(result)")
            // parse() checks the header and that every column lines up.
            let rows = try TextTable.parse(result.stdout).get()
            #expect(Set(rows) == Set(expected))
            #expect(rows.count == expected.count)
            let header = String(result.stdout.prefix { $0 != "\n" })
            let local = try #require(header.range(of: "LOCAL")).lowerBound
            let remote = try #require(header.range(of: "REMOTE")).lowerBound
            #expect(header.distance(from: local, to: remote) == 21 + 2, "\(header)")
            let widest = result.stdout.split(separator: "\n").map(\.count).max() ?? 0
            #expect(widest <= max(80, ssWidth), "tcpstates \(family): \(widest) columns, ss -tan: \(ssWidth)")
        }
    }
}
