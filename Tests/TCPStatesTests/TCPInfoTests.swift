import Foundation
import Testing
@testable import TCPStates

@Suite struct TCPInfoTests {
    @Test func tcpInfoAgreesWithSS() throws {
        let decoded = try Fixture.decodeNetlink("sockdiag-info.bin")
        let ss = try Fixture.ssInfoBlocks()
        let established = decoded.filter { $0.state == .established }
        #expect(established.count == 2)
        for c in established {
            let info = try #require(c.tcpInfo, "\(Fixture.ssKey(c))")
            let theirs = try #require(ss[Fixture.ssKey(c)]?.info)
            let rtt = try #require(Fixture.ssValue("rtt", in: theirs)).split(separator: "/").compactMap { Double($0) }
            #expect(rtt == [Double(info.rttMicros) / 1000, Double(info.rttvarMicros) / 1000])
            #expect(info.rttMicros > 0)
            #expect(Fixture.ssValue("cwnd", in: theirs) == String(info.cwnd))
            #expect(Fixture.ssValue("bytes_sent", in: theirs) == String(info.bytesSent))
            #expect(Fixture.ssValue("bytes_acked", in: theirs) == String(info.bytesAcked))
            #expect(Fixture.ssValue("bytes_received", in: theirs) == String(info.bytesReceived))
            #expect(theirs.contains("delivery_rate \(info.deliveryRate * 8)bps"))
            let congestion = String(decoding: try #require(info.congestion), as: UTF8.self)
            #expect(theirs.split(separator: " ").contains(Substring(congestion)))
            #expect(info.ssthresh == nil, "no loss on loopback: infinite, which ss leaves out")
            #expect(Fixture.ssValue("ssthresh", in: theirs) == nil)
        }
        #expect(decoded.filter { $0.state == .timeWait }.allSatisfy { $0.tcpInfo == nil })
        #expect(try Fixture.decodeNetlink("sockdiag-dump.bin").allSatisfy { $0.tcpInfo == nil }, "only when asked")
    }

    @Test func shortOrTruncatedTCPInfoReadsSafely() throws {
        let full = try #require(try Fixture.decodeNetlink("sockdiag-info.bin").first { $0.state == .established }?.tcpInfo)
        let bytes = try Self.firstInfoAttribute()
        #expect(bytes.count >= 232)
        // glibc's struct tcp_info is 104 bytes: what lies beyond reads as zero.
        let short = bytes.prefix(104).withUnsafeBytes { TCPInfo(kernel: $0) }
        #expect(short.rttMicros == full.rttMicros && short.cwnd == full.cwnd && full.bytesAcked > 0)
        #expect(short.bytesSent == 0 && short.bytesAcked == 0 && short.bytesReceived == 0 && short.deliveryRate == 0)
        // No bytes at all (a nil base, as an empty attribute gives): every field reads as zero.
        var zero = TCPInfo()
        zero.ssthresh = 0
        #expect(TCPInfo(kernel: UnsafeRawBufferPointer(start: nil, count: 0)) == zero)
        // Three bytes: the one field inside them (tcpi_retransmits) is read, the rest is zero.
        var retransmitting = zero
        retransmitting.retransmits = 5
        #expect([UInt8]([0, 0, 5]).withUnsafeBytes { TCPInfo(kernel: $0) } == retransmitting)
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
}
