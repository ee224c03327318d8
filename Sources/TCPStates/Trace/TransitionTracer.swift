#if canImport(Glibc)
import Glibc
#endif

/// What one step of a tracer read and what it shows.
public struct TraceStep: Equatable, Sendable {
    /// The transitions to show, in time order.
    public var transitions: [StateTransition] = []
    /// Ring-buffer pages read: how busy the kernel side is.
    public var pages = 0
}

/// Turns the kernel's changes into transitions, one step at a time: time in
/// state per socket object, the owner task, the socket's network namespace,
/// the TIME_WAIT that replaced a closed socket, the user-space filters. It
/// neither waits nor reads clocks: the loop that drives it polls the
/// source's descriptors, passes the time and decides when to stop. One
/// thread calls it.
public final class TransitionTracer {
    private let source: TracePageSource
    private let decoder: SocketStateChangeDecoder
    private let filter: ConnectionFilter
    private var follower = TimewaitFollower { _ in nil }
    private var clock = SocketStateClock()
    private var tasks: TaskNames
    private let locator: SocketLocating
    private var namespaces: SocketNamespaces
    /// Added to the trace clock (boot time) to give wall-clock time.
    public let wallClockOffset: UInt64
    private var page: [UInt8]
    private var pending: [SocketStateChange] = []
    /// Changes read from the kernel, and pages that carried its "events were lost" mark.
    public private(set) var events = 0
    public private(set) var pagesAfterLoss = 0
    /// Changes to the state a socket already had, within the filters: not shown.
    public private(set) var sameStateChanges = 0

    /// `locator` finds sockets by endpoints in each namespace (sock_diag);
    /// `wallClockOffset` turns the trace clock into wall time.
    public init(
        source: TracePageSource, format: TraceEventFormat, filter: ConnectionFilter, tasks: TaskNames,
        wallClockOffset: UInt64, locator: SocketLocating
    ) throws(TraceError) {
        self.source = source
        decoder = try SocketStateChangeDecoder(format: format)
        self.filter = filter
        self.tasks = tasks
        self.locator = locator
        namespaces = SocketNamespaces(locator: locator)
        self.wallClockOffset = wallClockOffset
        page = [UInt8](repeating: 0, count: source.pageSize)
        follower = TimewaitFollower { [unowned self] transition in self.namespaces.find(transition) }
    }

    /// A tracer of `instance`, naming exited processes from its saved_cmdlines.
    public convenience init(
        instance: TraceInstance, filter: ConnectionFilter, wallClockOffset: UInt64, locator: SocketLocating
    ) throws(TraceError) {
        let tasks = TaskNames(savedCommand: { [weak instance] pid in
            instance?.savedCmdlines().flatMap { TaskNames.command(of: pid, inSavedCmdlines: $0) }
        })
        try self.init(source: instance, format: instance.format, filter: filter, tasks: tasks,
                      wallClockOffset: wallClockOffset, locator: locator)
    }

    /// Reads every page each CPU has now, and returns its transitions and
    /// those of followed sockets whose check is due at `now` (trace clock).
    /// Throws a `TraceError` when a read fails or a page does not decode.
    public func step(now: UInt64) throws -> TraceStep {
        var step = TraceStep()
        locator.refresh(now: now)
        pending.removeAll(keepingCapacity: true)
        for cpu in 0..<source.cpuCount {
            while true {
                let count = try page.withUnsafeMutableBytes { try source.readPage(cpu: cpu, into: $0) }
                if count == 0 { break }
                step.pages += 1
                let result = try page.withUnsafeBytes { raw in
                    try RingBufferPage.decode(UnsafeRawBufferPointer(rebasing: raw[..<min(count, raw.count)])) { time, record in
                        if let change = decoder.decode(record, timestamp: time) { pending.append(change) }
                    }
                }
                if result.missedEvents { pagesAfterLoss += 1 }
            }
        }
        // A socket's changes may run on different CPUs: put them back in time order.
        pending.sort { $0.timestamp < $1.timestamp }
        let netns = namespaces.resolve(pending)
        for (change, inode) in zip(pending, netns) {
            events += 1
            if let transition = transition(for: change, netns: inode) { step.transitions.append(transition) }
        }
        namespaces.endStep()
        if follower.count > 0 {
            step.transitions += follower.check(now: now, wallClockOffset: wallClockOffset).filter(matchesStates)
            namespaces.endStep()  // the next step's changes must not see these lookups either
        }
        return step
    }

    /// When (trace clock) a followed socket is next due a lookup, nil when none is followed.
    public var nextCheck: UInt64? { follower.nextCheck }

    /// The transition to show for `change` of a socket in namespace `netns`,
    /// or nil when the filters leave it out or it is no arrow (a same-state
    /// change, counted in `sameStateChanges`).
    func transition(for change: SocketStateChange, netns: UInt64? = nil) -> StateTransition? {
        if follower.count > 0 { follower.peerChanged(local: change.local, remote: change.remote, netns: netns) }
        // tcp_close_state() sets FIN_WAIT1, FIN_WAIT2, CLOSING and LAST_ACK to
        // themselves when the process close()s a socket whose FIN was already
        // sent (shutdown() first): the socket stays where it was, so its
        // clock goes on.
        if change.oldState == change.newState {
            if filter.matches(local: change.local, remote: change.remote) { sameStateChanges += 1 }
            return nil
        }
        let elapsed = clock.record(change)
        guard filter.matches(local: change.local, remote: change.remote) else { return nil }
        let transition = StateTransition(
            time: change.timestamp &+ wallClockOffset, local: change.local, remote: change.remote,
            previousState: change.oldState, state: change.newState, stateNanoseconds: elapsed,
            task: tasks.owner(of: change), netns: netns.map(namespaces.identity))
        // FIN_WAIT2 or CLOSING -> CLOSE: a timewait socket took this one's place.
        guard let shown = follower.closed(transition, at: change.timestamp), matchesStates(shown) else { return nil }
        return shown
    }

    private func matchesStates(_ transition: StateTransition) -> Bool {
        filter.matches(kernelState: transition.previousState) || filter.matches(kernelState: transition.state)
    }
}
