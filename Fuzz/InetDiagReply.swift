// sock_diag replies as the kernel sends them to a dump or to the destroy
// groups: nlmsghdr, inet_diag_msg, attributes, tcp_info of any length; and
// its answers to SOCK_DESTROY (acknowledgements).
// Seeds: Tests/TCPStatesTests/Fixtures/sockdiag-*.bin and the destroy answers.
import TCPStates

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInetDiagReply(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    for transport in [TransportProtocol.tcp, .udp] {
        var sockets = 0
        _ = try? InetDiagDecoder.decode(bytes, transport: transport) { connection in
            // Everything a renderer reads of a decoded socket.
            sockets += 1
            _ = (connection.state, connection.family, connection.timer, connection.tcpInfo?.congestion?.count)
        }
        // A message is at least nlmsghdr + inet_diag_msg: no more sockets than that allows.
        precondition(sockets <= size / (16 + 72), "\(sockets) sockets from \(size) bytes")
    }
    _ = try? DestroyResult(acknowledgement: bytes)
    return 0
}
