/// Follows sockets the kernel replaced by a timewait minisock, whose later
/// arrows no tracepoint reports.
///
/// When a socket leaves FIN_WAIT2 or CLOSING for CLOSE, the tracepoint's
/// object is freed and a timewait socket with the same endpoints takes its
/// place. sock_diag then shows it in TIME_WAIT (the peer's FIN had come: the
/// arrow is -> TIME_WAIT), or still in FIN_WAIT_2 (an orphaned socket,
/// close()d before the peer's FIN: its TIME_WAIT comes later, silently). The
/// second kind is looked up again, at growing intervals, until it is in
/// TIME_WAIT or gone. Each lookup asks the namespace of the socket when it is
/// known, else every namespace: the one where the endpoints stand names the arrow.
public struct TimewaitFollower {
    /// What a lookup found: the state of the socket with the transition's
    /// endpoints, and its namespace. nil when there is none, or when several
    /// namespaces have one and the transition's namespace is not known.
    public typealias Lookup = (StateTransition) -> (state: UInt8, netns: NetnsIdentity)?

    private typealias K = KernelTCPState
    struct Pending {
        var transition: StateTransition
        /// When the socket entered FIN_WAIT_2, in the trace clock.
        var enteredAt: UInt64
        var nextCheck: UInt64
        var interval: UInt64
    }

    private let lookup: Lookup
    /// The same endpoints may stand in two namespaces at once.
    struct Key: Hashable {
        var local: Endpoint
        var remote: Endpoint
        var netns: UInt64?
    }

    private var pending: [Key: Pending] = [:]
    /// Beyond this many followed sockets, orphans are shown as the kernel reported them.
    private let capacity: Int

    static let firstInterval: UInt64 = 1_000_000        // 1 ms
    static let longestInterval: UInt64 = 1_000_000_000  // 1 s

    public init(capacity: Int = 65536, lookup: @escaping Lookup) {
        self.lookup = lookup
        self.capacity = capacity
    }

    /// Takes the kernel's `-> CLOSE` transition of a change at `timestamp`
    /// (trace clock); returns what to show now, or nil when the socket lives
    /// on as a FIN_WAIT_2 minisock and is followed.
    public mutating func closed(_ transition: StateTransition, at timestamp: UInt64) -> StateTransition? {
        guard transition.state == K.close, transition.previousState == K.finWait2 || transition.previousState == K.closing else {
            return transition
        }
        guard let found = lookup(transition) else { return transition }
        var shown = transition
        shown.netns = found.netns
        switch found.state {
        case K.timeWait:
            shown.state = K.timeWait
            shown.stateSeenThroughSockDiag = true
            return shown
        case K.finWait2 where transition.previousState == K.finWait2 && pending.count < capacity:
            let entered = timestamp &- (transition.stateNanoseconds ?? 0)
            pending[Key(local: transition.local, remote: transition.remote, netns: found.netns.inode)] = Pending(
                transition: shown, enteredAt: transition.stateNanoseconds == nil ? 0 : entered,
                nextCheck: timestamp &+ Self.firstInterval, interval: Self.firstInterval)
            return nil
        default:
            return shown
        }
    }

    /// Looks up the followed sockets whose check is due at `now` (trace
    /// clock); returns the arrows seen: -> TIME_WAIT, or -> CLOSED for one
    /// that is gone. `wallClockOffset` turns trace time into wall time.
    public mutating func check(now: UInt64, wallClockOffset: UInt64) -> [StateTransition] {
        var seen: [StateTransition] = []
        for (key, item) in pending where item.nextCheck <= now {
            let state = lookup(item.transition)?.state
            if state == K.finWait2 {
                let interval = min(item.interval * 2, Self.longestInterval)
                pending[key]?.interval = interval
                pending[key]?.nextCheck = now &+ interval
                continue
            }
            var arrow = item.transition
            arrow.time = now &+ wallClockOffset
            arrow.previousState = K.finWait2
            arrow.state = state == K.timeWait ? K.timeWait : K.close
            arrow.stateNanoseconds = item.enteredAt == 0 ? nil : now &- item.enteredAt
            arrow.task = nil
            arrow.stateSeenThroughSockDiag = true
            seen.append(arrow)
            pending[key] = nil
        }
        return seen.sorted { $0.time < $1.time }
    }

    /// The peer of a followed socket changed state in namespace `netns` (on
    /// loopback, typically: it sent its FIN): look the followed one up at the next check.
    public mutating func peerChanged(local: Endpoint, remote: Endpoint, netns: UInt64?) {
        let key = Key(local: remote, remote: local, netns: netns)
        if pending[key] != nil { pending[key]?.nextCheck = 0 }
    }

    /// The earliest due check, in the trace clock, or nil when nothing is followed.
    public var nextCheck: UInt64? { pending.values.lazy.map(\.nextCheck).min() }

    /// Sockets being followed.
    public var count: Int { pending.count }
}
