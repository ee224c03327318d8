/// One TCP (or UDP) socket as the kernel reports it.
public struct Connection: Hashable, Sendable {
    /// The state number the kernel reported (include/net/tcp_states.h).
    public var kernelState: UInt8
    public var local: Endpoint
    public var remote: Endpoint
    /// Bytes received and not read; for a listener, the accept queue length.
    public var recvQueue: UInt32
    /// Bytes sent and not acknowledged; for a listener (netlink only), the backlog.
    public var sendQueue: UInt32
    public var uid: UInt32
    /// The socket's inode: 0 for sockets no process owns (TIME_WAIT, request sockets).
    public var inode: UInt64
    /// TCP unless the socket came from a UDP listing.
    public var transport: TransportProtocol = .tcp
    /// The kernel's socket cookie (inet_diag_sockid.idiag_cookie,
    /// sock_gen_cookie: unique per boot, made when first asked for; a
    /// TIME_WAIT socket keeps its full socket's cookie if it was made by
    /// then); 0 when the source has none (/proc). SOCK_DESTROY wants it back.
    public var cookie: UInt64 = 0
    /// The device the socket is bound to (idiag_if), 0 for none: netlink only.
    public var boundInterface: UInt32 = 0
    /// The inode of the network namespace it was listed in; 0 where the
    /// listing covered one namespace and did not say which.
    public var netnsInode: UInt64 = 0
    /// The timer armed on the socket, nil when none is.
    public var timer: SocketTimer?
    /// TCP internals, when they were asked for and the socket has them
    /// (not TIME_WAIT or request sockets, not from /proc).
    public var tcpInfo: TCPInfo? {
        get { tcpInfoStorage.first }
        set { tcpInfoStorage = newValue.map { [$0] } ?? [] }
    }
    /// An array keeps the rare tcp_info out of line: 8 bytes a connection
    /// instead of 72, which counts at 100k sockets.
    private var tcpInfoStorage: [TCPInfo] = []

    public init(
        kernelState: UInt8, local: Endpoint, remote: Endpoint,
        recvQueue: UInt32, sendQueue: UInt32, uid: UInt32, inode: UInt64
    ) {
        self.kernelState = kernelState
        self.local = local
        self.remote = remote
        self.recvQueue = recvQueue
        self.sendQueue = sendQueue
        self.uid = uid
        self.inode = inode
    }

    public var family: AddressFamily { local.address.family }

    /// The diagram state, or nil for a kernel number this build does not know.
    public var state: TCPState? { TCPState(kernel: kernelState) }
}
