import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One watch of two namespaces churning at once, against the kernel's own
/// count of destroy messages in each (a DestroyTruth per namespace).
@Suite(
    "watch of two namespaces under churn",
    .serialized,
    .enabled(if: TestEnvironment.isRoot, "needs root (ip netns)"),
    .enabled(if: Subprocess.which("ip") != nil, "needs ip in PATH")
)
struct WatchNamespacesChurnTests {
    @Test("every socket end of each namespace is printed once, with its namespace",
          arguments: [2000, nil] as [Int?])
    func endsEqualDestroyMessagesInEach(rate: Int?) throws {
        let namespaces = [try WatchChurnTests.ChurnNamespace(), try WatchChurnTests.ChurnNamespace()]
        defer { namespaces.forEach { $0.tearDown() } }
        let inodes = try namespaces.map { try WatchNamespacesTests.inode("/run/netns/\($0.name)") }
        let truths = try namespaces.map { try DestroyTruth(namespace: $0.name, port: WatchChurnTests.port) }
        let path = "/tmp/\(namespaces[0].name)-both.ndjson"
        defer { unlink(path) }
        // A file, not a pipe, and niced, as WatchChurnTests.ChurnNamespace.watch does.
        let process = try ChildProcess(["nice", "-n", "10", "sh", "-c", "exec \"$0\" \"$@\" > \(path)",
                                        try TestEnvironment.binary("tcpstates"), "--watch", "--json", "--interval", "0.5",
                                        "--netns", namespaces.map(\.name).joined(separator: ","),
                                        "--port", "\(WatchChurnTests.port),\(WatchChurnTests.sentinelPort)"])
        defer { process.stop() }
        let watch = WatchChurnTests.WatchFile(path: path, process: process)
        try watch.wait(for: "both sentinels") { events in
            inodes.allSatisfy { inode in
                events.contains { $0.netnsInode == inode && $0.local == "127.0.0.1:\(WatchChurnTests.sentinelPort)" }
            }
        }
        // Both at once: the second in the background while the first runs.
        let seconds = "3"
        let background = try ChildProcess(["ip", "netns", "exec", namespaces[1].name, "nice", "-n", "19",
                                           try TestEnvironment.binary("tcpstates-testpeer"), "churn",
                                           "--port", "\(WatchChurnTests.port)", "--seconds", seconds]
                                          + (rate.map { ["--rate", "\($0)"] } ?? []))
        let churned = try namespaces[0].churn(seconds: 3, rate: rate)
        let other = try background.collect(until: .now + .seconds(60)).stdout
        usleep(1_500_000)
        truths.forEach { $0.stop() }
        let expected = truths.map(\.current)
        for (index, truth) in expected.enumerated() {
            try #require(truth.overflows == 0, "the truth itself lost messages: \(truth)")
            try #require(truth.server > 100, "too little churn in namespace \(index): \(churned) \(other)")
        }
        func ends(_ events: [WatchEventLine]) -> [DestroyTruth.Counts] {
            inodes.map { inode in WatchChurnTests.printedEnds(events.filter { $0.netnsInode == inode }) }
        }
        let wanted = expected.map { DestroyTruth.Counts(server: $0.server, client: $0.client) }
        try? watch.wait(for: "every end") { ends($0) == wanted }
        let events = watch.events
        #expect(ends(events) == wanted, "\(churned) \(other)")
        #expect(WatchChurnTests.lost(events).isEmpty, "\(WatchChurnTests.lost(events).prefix(3))")
        #expect(watch.unparsed.isEmpty, "\(watch.unparsed.prefix(3))")
        #expect(WatchChurnTests.impossibleChanges(events).isEmpty)
        #expect(events.allSatisfy { $0.event == "lost" || inodes.contains($0.netnsInode ?? 0) })
    }
}
