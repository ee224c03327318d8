import Testing
@testable import TCPStates

@Suite struct SocketTimerTests {
    @Test func timersAgreeBetweenNetlinkProcAndSS() throws {
        let netlink = try Fixture.decodeNetlink("sockdiag-info.bin")
        let proc = Fixture.parseProc(try Fixture.text("proc-net-tcp-timers.txt"), family: .ipv4)
        #expect(proc.rejected.isEmpty)
        let ss = try Fixture.ssInfoBlocks()
        let ssNames = ["timewait": "time_wait", "keepalive": "keepalive", "on": "retransmit", "persist": "persist"]
        let procByKey = Dictionary(uniqueKeysWithValues: proc.connections.map { (Fixture.ssKey($0), $0) })
        #expect(Set(procByKey.keys) == Set(netlink.map(Fixture.ssKey)))
        for c in netlink {
            let line = try #require(ss[Fixture.ssKey(c)]?.line)
            let ssTimer = line.range(of: "timer:(").map { line[$0.upperBound...].prefix { $0 != "," } }
            #expect(c.timer?.name == ssTimer.flatMap { ssNames[String($0)] }, "\(line)")
            #expect(procByKey[Fixture.ssKey(c)]?.timer?.kind == c.timer?.kind, "\(line)")
        }
        let timeWait = try #require(netlink.first { $0.state == .timeWait }?.timer)
        #expect(timeWait.kind == 3 && (1...60_000).contains(timeWait.expiresMs))
        let keepalive = try #require(netlink.first { $0.timer?.kind == 2 }?.timer)
        #expect((590_000...600_000).contains(keepalive.expiresMs), "TCP_KEEPIDLE 600 s")
        // /proc counts in clock ticks of 10 ms: 03:000016B0 is 58.08 s.
        #expect(proc.connections.first { $0.state == .timeWait }?.timer?.expiresMs == 58_080)
    }
}
