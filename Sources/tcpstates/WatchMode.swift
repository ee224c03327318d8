import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// `tcpstates --watch`: the live screen on a terminal, NDJSON events otherwise.
struct WatchMode {
    /// What the listing of the same options would show: the screen's columns, the events' members.
    let request: ListingRequest
    let source: SourceKind
    let procNetDirectory: String
    let intervalMilliseconds: Int64
    let destroyReceiveBufferBytes: Int32?
    let order: ConnectionOrder
    let filterSummary: String
    let json: Bool

    /// How the loop ended.
    enum Ending {
        case quit
        /// SIGTERM or SIGHUP: re-raised once the terminal is restored and the exit line written.
        case signal(Int32)
    }

    func run() throws {
        let ending: Ending
        let session: WatchSession
        if json || !TTY.isTerminal(1) {
            // The signals first: the destroy reader's thread inherits their mask, so none is delivered to it.
            let signals = try SignalEvents([SIGINT, SIGTERM, SIGHUP])
            defer { signals.close() }
            session = try makeSession(output: .json, notice: { Terminal.error($0) })
            session.tracker.order = nil  // events need no row order
            ending = try EventStream(session: session, signals: signals).run()
        } else {
            let signals = try SignalEvents([SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT])
            defer { signals.close() }
            // Notices wait until the screen is gone, then go to stderr.
            var notices: [String] = []
            session = try makeSession(output: .table, notice: { notices.append($0) })
            let screen = ScreenWatch(session: session, signals: signals, order: order, filterSummary: filterSummary)
            do {
                // Also when run() throws: the terminal comes back before the error is printed.
                defer {
                    screen.restore()
                    notices.forEach { Terminal.error($0) }
                }
                ending = try screen.run()
            }
        }
        if let summary = session.losses.summary { Terminal.error(summary) }
        if case .signal(let number) = ending {
            // End the way the signal would have, now that the terminal is back and the signals unblocked.
            signal(number, SIG_DFL)
            raise(number)
        }
    }

    private func makeSession(output: ListingOutput, notice: @escaping (String) -> Void) throws -> WatchSession {
        var request = request
        request.output = output
        return try WatchSession(plan: ListingPlan(request), source: source, procNetDirectory: procNetDirectory,
                                intervalMilliseconds: intervalMilliseconds,
                                destroyReceiveBufferBytes: destroyReceiveBufferBytes, notice: notice)
    }
}

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

extension WatchMode {
    init(command: TCPStatesCommand) throws {
        self.init(request: try command.listingRequest(), source: command.source, procNetDirectory: command.procNetDirectory,
                  intervalMilliseconds: try command.watchOptions.intervalMilliseconds,
                  destroyReceiveBufferBytes: command.watchOptions.destroyBufferBytes,
                  order: command.sort ?? .state, filterSummary: command.filters.summary,
                  json: (try? command.report.resolvedFormat(json: command.json)) == .json)
    }
}
