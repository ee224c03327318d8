/// How long each socket object spent in its state, keyed by the socket's
/// kernel address as libbpf-tools' tcpstates keys it: the time from one
/// change of an object to its next. An object is forgotten when it reaches
/// CLOSE, after which the kernel may reuse its address.
public struct SocketStateClock: Sendable {
    private var entered: [UInt64: UInt64] = [:]
    /// Objects that never close while traced (long-lived ones, or events the
    /// kernel dropped) must not grow the table without bound.
    private let capacity: Int

    public init(capacity: Int = 1 << 20) { self.capacity = capacity }

    /// Records `change` and returns the nanoseconds its socket spent in the
    /// old state, or nil when this trace did not see the socket enter it.
    public mutating func record(_ change: SocketStateChange) -> UInt64? {
        let previous = entered[change.socket]
        if change.newState == KernelTCPState.close {  // the object is done
            entered[change.socket] = nil
        } else {
            if previous == nil, entered.count >= capacity { entered.removeAll(keepingCapacity: true) }
            entered[change.socket] = change.timestamp
        }
        guard let previous, change.timestamp >= previous else { return nil }
        return change.timestamp - previous
    }

    /// Sockets being timed.
    public var count: Int { entered.count }
}
