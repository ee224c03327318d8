import Testing
@testable import TCPStates

@Suite struct TimerColumnsTests {
    @Test func timerColumnIsKindExpiryAndRetransmits() {
        var c = Connection(kernelState: 1, local: Endpoint(address: .any(.ipv4), port: 1),
                           remote: Endpoint(address: .any(.ipv4), port: 2), recvQueue: 0, sendQueue: 0, uid: 0, inode: 0)
        c.timer = SocketTimer(kind: 2, expiresMs: 7_199_950, retransmits: 3)
        #expect(ByteWriterTests.output { TimerColumns.column.cell(c, $0) } == "keepalive,7199.9s,3")
        c.timer = SocketTimer(kind: 4, expiresMs: 200, retransmits: 0)
        #expect(ByteWriterTests.output { TimerColumns.column.cell(c, $0) } == "persist,200ms,0")
        c.timer = nil
        #expect(ByteWriterTests.output { TimerColumns.column.cell(c, $0) } == "-")
    }
}
