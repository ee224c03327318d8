import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// `tcpstates --watch`: the live screen on a terminal, NDJSON events otherwise.
struct WatchMode {
    let filter: ConnectionFilter
    let source: SourceKind
    let procNetDirectory: String
    let intervalMilliseconds: Int64
    let order: ConnectionOrder
    let filterSummary: String
    let json: Bool

    func run() throws {
        if json || !TTY.isTerminal(1) {
            let session = makeSession(notice: { Terminal.error($0) })
            session.tracker.order = nil  // events need no row order
            try EventStream(session: session, intervalMilliseconds: intervalMilliseconds).run()
            return
        }
        // Notices wait until the screen is gone, then go to stderr.
        var notices: [String] = []
        let session = makeSession(notice: { notices.append($0) })
        let screen = try ScreenWatch(session: session, intervalMilliseconds: intervalMilliseconds,
                                     order: order, filterSummary: filterSummary)
        let ending: ScreenWatch.Ending
        do {
            // Also when run() throws: the terminal comes back before the error is printed.
            defer {
                screen.restore()
                notices.forEach { Terminal.error($0) }
            }
            ending = try screen.run()
        }
        if case .signal(let number) = ending {
            // Ended by SIGTERM or SIGHUP: end the way the signal would have, now that the terminal is back.
            signal(number, SIG_DFL)
            raise(number)
        }
    }

    private func makeSession(notice: @escaping (String) -> Void) -> WatchSession {
        WatchSession(filter: filter, source: source, procNetDirectory: procNetDirectory, notice: notice)
    }
}

/// NDJSON on stdout: `present` events for the first poll, then `open`,
/// `change` and `close` as polls and destroy messages reveal them. Each
/// batch is written with one write(2) as soon as it is known.
struct EventStream {
    let session: WatchSession
    let intervalMilliseconds: Int64

    func run() throws {
        let writer = ByteWriter { try Terminal.writeStandardOutput($0) }
        let renderer = EventRenderer(writer: writer)
        func emit(_ events: [WatchEvent]) throws {
            for event in events { try renderer.write(event) }
            try writer.flush()
        }
        var nextRefresh = WatchClock.now.monotonicMilliseconds
        var fds: [pollfd] = session.destroyFileDescriptor.map { [pollfd(fd: $0, events: Int16(POLLIN), revents: 0)] } ?? []
        while true {
            let now = WatchClock.now
            if now.monotonicMilliseconds >= nextRefresh {
                try emit(session.refresh(at: now))
                nextRefresh = nextRefreshTime(after: nextRefresh, now: WatchClock.now, interval: intervalMilliseconds)
            }
            let ready = poll(&fds, nfds_t(fds.count), WatchClock.pollTimeout(until: nextRefresh, from: WatchClock.now))
            if ready < 0 && errno != EINTR {
                throw RuntimeError(message: "poll failed: \(String(cString: strerror(errno)))")
            }
            if ready > 0 { try emit(session.readDestroyed(at: WatchClock.now)) }
        }
    }
}

/// The refresh after `previous`: on the interval's grid, or a whole
/// interval from now when a slow poll overran it (no burst of catch-ups).
func nextRefreshTime(after previous: Int64, now: WatchInstant, interval: Int64) -> Int64 {
    let next = previous + interval
    return next > now.monotonicMilliseconds ? next : now.monotonicMilliseconds + interval
}

extension WatchMode {
    init(command: TCPStatesCommand, filter: ConnectionFilter) throws {
        self.init(filter: filter, source: command.source, procNetDirectory: command.procNetDirectory,
                  intervalMilliseconds: try command.watchOptions.intervalMilliseconds,
                  order: command.sort ?? .state, filterSummary: command.filters.summary,
                  json: (try? command.report.resolvedFormat(json: command.json)) == .json)
    }
}
