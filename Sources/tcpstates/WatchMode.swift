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
        GlibcMalloc.fixThresholds()  // a long run's transient blocks go back to the system
        let ending: Ending
        let session: WatchSession
        if json || !TTY.isTerminal(1) {
            // The signals first: the destroy reader's thread inherits their mask, so none is delivered to it.
            let signals = try SignalEvents([SIGINT, SIGTERM, SIGHUP])
            defer { signals.close() }
            session = try makeSession(output: .json, notice: { Terminal.error($0) })
            session.tracker.order = nil  // events need no row order
            session.tracker.keepsGone = false  // nor the rows the screen shows as gone
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

extension WatchMode {
    init(command: TCPStatesCommand) throws {
        self.init(request: try command.listingRequest(), source: command.source, procNetDirectory: command.procNetDirectory,
                  intervalMilliseconds: try command.watchOptions.intervalMilliseconds,
                  destroyReceiveBufferBytes: command.watchOptions.destroyBufferBytes,
                  order: command.sort ?? .state, filterSummary: command.filters.summary,
                  json: (try? command.report.resolvedFormat(json: command.json)) == .json)
    }
}
