/// The kernel's TCP state numbers (include/net/tcp_states.h, not in the
/// exported headers), named so that no bare number stands for a state.
///
/// sock_diag, /proc/net/tcp and the sock:inet_sock_set_state tracepoint all
/// speak these numbers; `TCPState(kernel:)` maps them to the diagram's names.
public enum KernelTCPState {
    public static let established: UInt8 = 1
    public static let synSent: UInt8 = 2
    public static let synReceived: UInt8 = 3
    public static let finWait1: UInt8 = 4
    /// Also the substate of a FIN_WAIT2 timewait socket.
    public static let finWait2: UInt8 = 5
    public static let timeWait: UInt8 = 6
    /// TCP_CLOSE; UDP's unconnected sockets and destroy messages say it too.
    public static let close: UInt8 = 7
    public static let closeWait: UInt8 = 8
    public static let lastAck: UInt8 = 9
    public static let listen: UInt8 = 10
    public static let closing: UInt8 = 11
    /// A request socket (half-open); sock_diag reports it as `synReceived`.
    public static let newSynReceived: UInt8 = 12
    /// Bound, never listened or connected; sock_diag reports it as `close`.
    public static let boundInactive: UInt8 = 13

    /// The idiag_states bit of a state number.
    public static func maskBit(_ number: UInt8) -> UInt32 { 1 << UInt32(number) }
}
