#if canImport(Glibc)
import Glibc
#endif

/// What a trace saw, for the line printed at exit.
public struct TraceSummary: Equatable, Sendable {
    /// Changes read from the kernel (after its filter).
    public var events = 0
    /// Transitions that passed the user-space filters and were written.
    public var shown = 0
    /// Events the kernel overwrote before they were read, and events it dropped.
    public var overrun: UInt64 = 0
    public var dropped: UInt64 = 0
    /// Pages that carried the kernel's "events were lost before this page" mark.
    public var pagesAfterLoss = 0
}

/// Reads a trace instance until told to stop, turning the kernel's changes
/// into transitions: time in state per socket object, the owner task, the
/// TIME_WAIT that replaced a closed socket, the user-space filters.
public final class TransitionTracer {
    private let instance: TraceInstance
    private let decoder: SocketStateChangeDecoder
    private let filter: ConnectionFilter
    private var follower: TimewaitFollower
    private var clock = SocketStateClock()
    private var tasks: TaskNames
    /// Added to the trace clock (boot time) to give wall-clock time.
    private let wallClockOffset: UInt64
    private var summary = TraceSummary()

    static let busyPages = 4
    static let busyPause: useconds_t = 20_000

    /// `lookup` gives the kernel state of the socket with these endpoints now (sock_diag).
    public init(instance: TraceInstance, filter: ConnectionFilter, lookup: @escaping (Endpoint, Endpoint) -> UInt8?) throws(TraceError) {
        self.instance = instance
        decoder = try SocketStateChangeDecoder(format: instance.format)
        self.filter = filter
        follower = TimewaitFollower(lookup: lookup)
        tasks = TaskNames(savedCommand: { [weak instance] pid in
            instance?.savedCmdlines().flatMap { TaskNames.command(of: pid, inSavedCmdlines: $0) }
        })
        wallClockOffset = Self.now(CLOCK_REALTIME) &- Self.now(CLOCK_BOOTTIME)
    }

    /// Traces until `stopFile` becomes readable, `closedOutput` (a pipe) loses
    /// its reader, `deadline` passes or `limit`
    /// transitions were written; `emit` writes one, `roundDone` flushes output.
    public func run(
        stopFile: Int32, closedOutput: Int32? = nil, deadline: ContinuousClock.Instant?, limit: Int?,
        emit: (StateTransition) throws -> Void, roundDone: () throws -> Void
    ) throws -> TraceSummary {
        var page = [UInt8](repeating: 0, count: instance.pageSize)
        var pending: [SocketStateChange] = []
        var polled = ([stopFile] + instance.cpuFiles).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        // A pipe's write end reports POLLERR once its reader is gone (`| head`), even with no events asked.
        let outputIndex = polled.count
        if let closedOutput { polled.append(pollfd(fd: closedOutput, events: 0, revents: 0)) }
        var stopping = false
        while !stopping {
            var timeout: Int32 = 1000
            if let due = follower.nextCheck {
                let now = Self.now(CLOCK_BOOTTIME)
                timeout = due <= now ? 0 : Int32(min((due - now) / 1_000_000 + 1, 1000))
            }
            if let deadline {
                let left = ContinuousClock.now.duration(to: deadline)
                if left <= .zero { stopping = true }
                timeout = min(timeout, Int32(max(0, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)) + 1)
            }
            if !stopping {
                if poll(&polled, nfds_t(polled.count), timeout) < 0 && errno != EINTR {
                    throw TraceError.system("cannot wait for the trace", errno)
                }
                if polled[0].revents != 0 { stopping = true }
                if closedOutput != nil, polled[outputIndex].revents != 0 { stopping = true }
            }
            // Read every CPU to empty, also when stopping: what the kernel already has is shown.
            pending.removeAll(keepingCapacity: true)
            var pages = 0
            for cpu in instance.cpuFiles.indices {
                while true {
                    let count = try page.withUnsafeMutableBytes { try instance.readPage(cpu: cpu, into: $0) }
                    if count == 0 { break }
                    pages += 1
                    let result = try page.withUnsafeBytes { raw in
                        try RingBufferPage.decode(UnsafeRawBufferPointer(rebasing: raw[..<count])) { time, record in
                            if let change = decoder.decode(record, timestamp: time) { pending.append(change) }
                        }
                    }
                    if result.missedEvents { summary.pagesAfterLoss += 1 }
                }
            }
            // A socket's changes may run on different CPUs: put them back in time order.
            pending.sort { $0.timestamp < $1.timestamp }
            var shown: [StateTransition] = []
            for change in pending {
                summary.events += 1
                if let transition = transition(for: change) { shown.append(transition) }
            }
            if follower.count > 0 {
                shown += follower.check(now: Self.now(CLOCK_BOOTTIME), wallClockOffset: wallClockOffset)
                    .filter(matchesStates)
            }
            for transition in shown {
                try emit(transition)
                summary.shown += 1
                if let limit, summary.shown >= limit {
                    stopping = true
                    break
                }
            }
            try roundDone()
            // Busy: let events gather for a moment instead of waking for each
            // few, leaving the CPU to the workload (the buffer holds far more).
            if pages >= Self.busyPages && !stopping { usleep(Self.busyPause) }
        }
        let lost = instance.lostEvents()
        summary.overrun = lost.overrun
        summary.dropped = lost.dropped
        return summary
    }

    /// The transition to show for `change`, or nil when the filters leave it out.
    private func transition(for change: SocketStateChange) -> StateTransition? {
        let elapsed = clock.record(change)
        if follower.count > 0 { follower.peerChanged(local: change.local, remote: change.remote) }
        guard filter.matches(local: change.local, remote: change.remote) else { return nil }
        let transition = StateTransition(
            time: change.timestamp &+ wallClockOffset, local: change.local, remote: change.remote,
            previousState: change.oldState, state: change.newState, stateNanoseconds: elapsed,
            task: tasks.owner(of: change))
        // FIN_WAIT2 or CLOSING -> CLOSE: a timewait socket took this one's place.
        guard let shown = follower.closed(transition, at: change.timestamp), matchesStates(shown) else { return nil }
        return shown
    }

    private func matchesStates(_ transition: StateTransition) -> Bool {
        filter.matches(kernelState: transition.previousState) || filter.matches(kernelState: transition.state)
    }

    static func now(_ clock: clockid_t) -> UInt64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
