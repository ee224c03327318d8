import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// NDJSON on stdout: `present` events for the first poll, then `open`,
/// `change`, `close` and `lost` as polls and destroy messages reveal them.
/// Each step's events are written with one write(2) as soon as they are known.
struct EventStream {
    let session: WatchSession
    let signals: SignalEvents

    func run() throws -> WatchMode.Ending {
        let writer = ByteWriter { try Terminal.writeStandardOutput($0) }
        var renderer = EventRenderer(writer: writer)
        var fds = [pollfd(fd: signals.fileDescriptor, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: session.destroyFileDescriptor ?? -1, events: Int16(POLLIN), revents: 0),
                   // A pipe's write end reports POLLERR once its reader is gone (`| head`), even with no events asked.
                   pollfd(fd: Terminal.standardOutputIsPipe ? 1 : -1, events: 0, revents: 0)]
        while true {
            let step = try session.step(at: WatchClock.now)
            renderer.extraMembers = session.eventMembers  // the owner table may have been scanned again
            for loss in step.losses { try renderer.write(loss) }
            for event in step.events { try renderer.write(event) }
            if !step.losses.isEmpty || !step.events.isEmpty { try writer.flush() }
            let ready = poll(&fds, nfds_t(fds.count), session.timeout(at: WatchClock.now))
            if ready < 0 && errno != EINTR {
                throw RuntimeError(message: "poll failed: \(String(cString: strerror(errno)))")
            }
            if fds[0].revents != 0, let number = signals.take().first {
                return number == SIGINT ? .quit : .signal(number)
            }
            // The reader went away: end quietly, as a write would have with SIGPIPE.
            if fds[2].revents != 0 { return .quit }
        }
    }
}
