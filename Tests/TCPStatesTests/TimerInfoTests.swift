import Foundation
import Testing
@testable import TCPStates

@Suite struct TimerInfoTests {
    /// ss -tanoiH's blocks: `LOCAL REMOTE` -> the socket line and its info line.
    static func ssBlocks() throws -> [String: (line: String, info: String)] {
        var blocks: [String: (line: String, info: String)] = [:]
        var key = ""
        for line in try Fixture.text("ss-tanoiH.txt").split(separator: "\n") {
            if line.hasPrefix("\t") {
                blocks[key]?.info = String(line)
            } else {
                let fields = line.split(separator: " ")
                key = "\(fields[3]) \(fields[4].replacingOccurrences(of: ":*", with: ":0"))"
                blocks[key] = (String(line), "")
            }
        }
        return blocks
    }

    static func key(_ c: Connection) -> String { "\(SocketKey.text(c.local)) \(SocketKey.text(c.remote))" }

    /// The value of `name:` in ss's info line.
    static func value(_ name: String, in info: String) -> String? {
        info.split(separator: " ").first { $0.hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)) }
    }

    @Test func tcpInfoAgreesWithSS() throws {
        let decoded = try Fixture.decodeNetlink("sockdiag-info.bin")
        let ss = try Self.ssBlocks()
        let established = decoded.filter { $0.state == .established }
        #expect(established.count == 2)
        for c in established {
            let info = try #require(c.tcpInfo, "\(Self.key(c))")
            let theirs = try #require(ss[Self.key(c)]?.info)
            let rtt = try #require(Self.value("rtt", in: theirs)).split(separator: "/").compactMap { Double($0) }
            #expect(rtt == [Double(info.rttMicros) / 1000, Double(info.rttvarMicros) / 1000])
            #expect(info.rttMicros > 0)
            #expect(Self.value("cwnd", in: theirs) == String(info.cwnd))
            #expect(Self.value("bytes_sent", in: theirs) == String(info.bytesSent))
            #expect(Self.value("bytes_acked", in: theirs) == String(info.bytesAcked))
            #expect(Self.value("bytes_received", in: theirs) == String(info.bytesReceived))
            #expect(theirs.contains("delivery_rate \(info.deliveryRate * 8)bps"))
            let congestion = String(decoding: try #require(info.congestion), as: UTF8.self)
            #expect(theirs.split(separator: " ").contains(Substring(congestion)))
            #expect(info.ssthresh == nil, "no loss on loopback: infinite, which ss leaves out")
            #expect(Self.value("ssthresh", in: theirs) == nil)
        }
        #expect(decoded.filter { $0.state == .timeWait }.allSatisfy { $0.tcpInfo == nil })
        #expect(try Fixture.decodeNetlink("sockdiag-dump.bin").allSatisfy { $0.tcpInfo == nil }, "only when asked")
    }

    @Test func timersAgreeBetweenNetlinkProcAndSS() throws {
        let netlink = try Fixture.decodeNetlink("sockdiag-info.bin")
        let proc = Fixture.parseProc(try Fixture.text("proc-net-tcp-timers.txt"), family: .ipv4)
        #expect(proc.rejected.isEmpty)
        let ss = try Self.ssBlocks()
        let ssNames = ["timewait": "time_wait", "keepalive": "keepalive", "on": "retransmit", "persist": "persist"]
        let procByKey = Dictionary(uniqueKeysWithValues: proc.connections.map { (Self.key($0), $0) })
        #expect(Set(procByKey.keys) == Set(netlink.map(Self.key)))
        for c in netlink {
            let line = try #require(ss[Self.key(c)]?.line)
            let ssTimer = line.range(of: "timer:(").map { line[$0.upperBound...].prefix { $0 != "," } }
            #expect(c.timer?.name == ssTimer.flatMap { ssNames[String($0)] }, "\(line)")
            #expect(procByKey[Self.key(c)]?.timer?.kind == c.timer?.kind, "\(line)")
        }
        let timeWait = try #require(netlink.first { $0.state == .timeWait }?.timer)
        #expect(timeWait.kind == 3 && (1...60_000).contains(timeWait.expiresMs))
        let keepalive = try #require(netlink.first { $0.timer?.kind == 2 }?.timer)
        #expect((590_000...600_000).contains(keepalive.expiresMs), "TCP_KEEPIDLE 600 s")
        // /proc counts in clock ticks of 10 ms: 03:000016B0 is 58.08 s.
        #expect(proc.connections.first { $0.state == .timeWait }?.timer?.expiresMs == 58_080)
    }

    @Test func shortOrTruncatedTCPInfoReadsSafely() throws {
        let full = try #require(try Fixture.decodeNetlink("sockdiag-info.bin").first { $0.state == .established }?.tcpInfo)
        let bytes = try Self.firstInfoAttribute()
        #expect(bytes.count >= 232)
        // glibc's struct tcp_info is 104 bytes: what lies beyond reads as zero.
        let short = bytes.prefix(104).withUnsafeBytes { TCPInfo(kernel: $0) }
        #expect(short.rttMicros == full.rttMicros && short.cwnd == full.cwnd && full.bytesAcked > 0)
        #expect(short.bytesSent == 0 && short.bytesAcked == 0 && short.bytesReceived == 0 && short.deliveryRate == 0)
        #expect([UInt8]().withUnsafeBytes { TCPInfo(kernel: $0) } == TCPInfo(kernel: UnsafeRawBufferPointer(start: nil, count: 0)))
        // An attribute claiming more bytes than there are ends the walk.
        let lying: [UInt8] = [0xFF, 0x00, 0x02, 0x00] + Array(bytes.prefix(20))
        #expect(lying.withUnsafeBytes { InetDiagDecoder.tcpInfo(attributes: $0) } == nil)
    }

    /// The payload of the INET_DIAG_INFO attribute of the capture's first ESTABLISHED socket.
    static func firstInfoAttribute() throws -> [UInt8] {
        let stream = try Fixture.bytes("sockdiag-info.bin")
        func word(_ at: Int) -> Int { Int(stream.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt32.self) }) }
        var message = 0
        while message + 16 + 72 <= stream.count {
            let end = message + word(message)
            if stream[message + 4] == 20, stream[message + 16 + 1] == 1 {  // SOCK_DIAG_BY_FAMILY, ESTABLISHED
                var offset = message + 16 + 72
                while offset + 4 <= end {
                    let length = Int(stream[offset]) | Int(stream[offset + 1]) << 8
                    if stream[offset + 2] == 2 { return Array(stream[(offset + 4)..<(offset + length)]) }
                    offset += (length + 3) & ~3
                }
            }
            message = (end + 3) & ~3
        }
        throw FixtureError("no ESTABLISHED socket with INET_DIAG_INFO in the capture")
    }

    @Test func columnsFormatTimersAndRates() {
        let timer = SocketTimer(kind: 2, expiresMs: 7_199_950, retransmits: 3)
        var c = Connection(kernelState: 1, local: Endpoint(address: .any(.ipv4), port: 1),
                           remote: Endpoint(address: .any(.ipv4), port: 2), recvQueue: 0, sendQueue: 0, uid: 0, inode: 0)
        c.timer = timer
        #expect(RenderTests.output { TimerColumns.column.cell(c, $0) } == "keepalive,7199.9s,3")
        c.timer = SocketTimer(kind: 4, expiresMs: 200, retransmits: 0)
        #expect(RenderTests.output { TimerColumns.column.cell(c, $0) } == "persist,200ms,0")
        c.timer = nil
        #expect(RenderTests.output { TimerColumns.column.cell(c, $0) } == "-")
        #expect(RenderTests.output { InfoColumns.appendMilliseconds(micros: 1_234_005, to: $0) } == "1234.005")
        #expect(RenderTests.output { InfoColumns.appendBitRate(bytesPerSecond: 3_925_333_333, to: $0) } == "31.4Gbps")
        #expect(RenderTests.output { InfoColumns.appendBitRate(bytesPerSecond: 100, to: $0) } == "800bps")
        #expect(RenderTests.output { InfoColumns.appendBitRate(bytesPerSecond: .max, to: $0) }.hasSuffix("Gbps"))
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
