import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// Drives a tracer: waits in poll(2) for its CPUs' pages, a stop signal,
/// stdout's reader going away (a pipe's write end reports POLLERR then) or a
/// due lookup; writes each step's transitions; stops at the schedule's end
/// or after `limit` transitions. What the kernel had when told to stop is
/// still read and shown.
struct TraceLoop {
    let tracer: TransitionTracer
    let instance: TraceInstance
    let stop: SignalEvents
    let schedule: TraceSchedule
    let limit: Int?
    let watchesOutput: Bool

    /// Nanoseconds since boot: the trace clock (`boot`).
    static func bootTime() -> UInt64 { now(CLOCK_BOOTTIME) }

    /// Added to the trace clock to give wall-clock time.
    static func wallClockOffset() -> UInt64 { now(CLOCK_REALTIME) &- now(CLOCK_BOOTTIME) }

    private static func now(_ clock: clockid_t) -> UInt64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// How often the instance is checked for another process's meddling.
    static let verifyInterval: UInt64 = 1_000_000_000

    func run(emit: (StateTransition) throws -> Void, flush: () throws -> Void) throws -> TraceSummary {
        var polled = ([stop.fileDescriptor] + instance.cpuFiles).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let outputIndex = polled.count
        if watchesOutput { polled.append(pollfd(fd: 1, events: 0, revents: 0)) }
        var summary = TraceSummary()
        var stopping = false
        var verified = Self.bootTime()
        while !stopping {
            let now = Self.bootTime()
            if schedule.isOver(now: now) {
                stopping = true
            } else {
                if poll(&polled, nfds_t(polled.count), schedule.pollTimeout(now: now, nextCheck: tracer.nextCheck)) < 0
                    && errno != EINTR {
                    throw RuntimeError(message: "cannot wait for the trace: \(String(cString: strerror(errno)))")
                }
                if polled[0].revents != 0, !stop.take().isEmpty { stopping = true }
                if watchesOutput, polled[outputIndex].revents != 0 { stopping = true }
                if !stopping, polled[1..<outputIndex].contains(where: { $0.revents != 0 }) {
                    usleep(TraceSchedule.settleMicroseconds)
                }
            }
            let step = try tracer.step(now: Self.bootTime())
            for transition in step.transitions {
                try emit(transition)
                summary.shown += 1
                if let limit, summary.shown >= limit {
                    stopping = true
                    break
                }
            }
            try flush()
            guard !stopping else { break }
            if step.pages == 0, Self.bootTime() &- verified >= Self.verifyInterval {
                try instance.verify()
                verified = Self.bootTime()
            }
            let pause = schedule.pause(afterPages: step.pages)
            if pause > 0 { usleep(pause) }
        }
        summary.events = tracer.events
        summary.pagesAfterLoss = tracer.pagesAfterLoss
        summary.sameState = tracer.sameStateChanges
        (summary.overrun, summary.dropped) = instance.lostEvents()
        return summary
    }
}
