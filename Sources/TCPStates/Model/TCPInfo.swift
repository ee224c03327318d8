/// What `--info` shows of a socket's struct tcp_info (INET_DIAG_INFO) and its
/// congestion control algorithm (INET_DIAG_CONG).
public struct TCPInfo: Hashable, Sendable {
    /// Smoothed round-trip time and its variation, in microseconds.
    public var rttMicros: UInt32 = 0
    public var rttvarMicros: UInt32 = 0
    /// Congestion window and slow-start threshold, in segments.
    public var cwnd: UInt32 = 0
    /// Nil while it is infinite (no loss seen yet).
    public var ssthresh: UInt32?
    /// Retransmissions of the current timeout, and over the connection's life.
    public var retransmits: UInt8 = 0
    public var totalRetransmits: UInt32 = 0
    public var bytesSent: UInt64 = 0
    public var bytesAcked: UInt64 = 0
    public var bytesReceived: UInt64 = 0
    /// The latest delivery rate sample, in bytes per second.
    public var deliveryRate: UInt64 = 0
    /// Milliseconds since data was last sent and received.
    public var lastSendMs: UInt32 = 0
    public var lastReceiveMs: UInt32 = 0
    /// The congestion control algorithm (`cubic`, `bbr`), when the kernel said.
    public var congestion: [UInt8]?

    public init() {}

    /// Reads a kernel struct tcp_info of whatever size the kernel sent: a
    /// field beyond the end (an older kernel) reads as zero. Offsets are those
    /// of include/uapi/linux/tcp.h; the attribute is only 4-byte aligned.
    public init(kernel bytes: UnsafeRawBufferPointer) {
        func load<T: FixedWidthInteger>(_ offset: Int, as type: T.Type) -> T {
            offset + MemoryLayout<T>.size <= bytes.count ? bytes.loadUnaligned(fromByteOffset: offset, as: T.self) : 0
        }
        retransmits = load(2, as: UInt8.self)
        lastSendMs = load(44, as: UInt32.self)
        lastReceiveMs = load(52, as: UInt32.self)
        rttMicros = load(68, as: UInt32.self)
        rttvarMicros = load(72, as: UInt32.self)
        let threshold = load(76, as: UInt32.self)
        ssthresh = threshold >= 0x7FFF_FFFF ? nil : threshold  // TCP_INFINITE_SSTHRESH
        cwnd = load(80, as: UInt32.self)
        totalRetransmits = load(100, as: UInt32.self)
        bytesAcked = load(120, as: UInt64.self)
        bytesReceived = load(128, as: UInt64.self)
        deliveryRate = load(160, as: UInt64.self)
        bytesSent = load(200, as: UInt64.self)
    }
}
