import Testing
@testable import TCPStates

@Suite struct TransportProtocolTests {
    @Test func udpStateNamesAreUnconnAndEstablished() {
        var socket = Connection(kernelState: 7, local: Endpoint(address: .any(.ipv4), port: 53),
                                remote: Endpoint(address: .any(.ipv4), port: 0),
                                recvQueue: 0, sendQueue: 0, uid: 0, inode: 1)
        #expect(socket.stateText == "CLOSED")
        socket.transport = .udp
        #expect(socket.stateText == "UNCONN")
        socket.kernelState = 1
        #expect(socket.stateText == "ESTABLISHED")
    }
}
