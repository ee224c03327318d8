import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// The live screen: redraws after each refresh, destroy event, key and
/// resize; `space` pauses the display (tracking goes on), `q` or Ctrl-C
/// quits, Ctrl-Z (or SIGTSTP) gives the terminal back and stops until `fg`.
final class ScreenWatch {
    typealias Ending = WatchMode.Ending

    private let session: WatchSession
    private let tty = TTY()
    private let signals: SignalEvents
    private var screen: WatchScreen
    private let painter = ScreenPainter(usesColor: TTY.usesColor)
    private let writer = ByteWriter(threshold: .max) { try Terminal.writeStandardOutput($0) }
    private let readsKeys = TTY.isTerminal(0)
    /// The filters as given, for the title.
    private let titleSummary: String

    /// `signals` holds SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP and SIGCONT.
    init(session: WatchSession, signals: SignalEvents, order: ConnectionOrder, filterSummary: String) {
        self.session = session
        self.signals = signals
        let size = tty.size
        screen = WatchScreen(width: size.width, height: size.height, title: "")
        session.tracker.order = order
        screen.utcOffsetSeconds = WatchClock.utcOffsetSeconds
        titleSummary = filterSummary
    }

    /// Puts the terminal back as it was; safe to call more than once.
    func restore() {
        tty.restore()
    }

    /// Ctrl-Z: the terminal as it was while stopped, the screen again on `fg`.
    private func suspend() throws {
        tty.restore()
        SignalEvents.stopProcess()
        try tty.enter()
    }

    func run() throws -> Ending {
        // The first poll before the screen: if it fails, the error is printed on the normal screen.
        _ = try session.step(at: WatchClock.now)
        try tty.enter()
        try draw()
        var fds = [pollfd(fd: signals.fileDescriptor, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: readsKeys ? 0 : -1, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: session.destroyFileDescriptor ?? -1, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, nfds_t(fds.count), session.timeout(at: WatchClock.now))
            if ready < 0 && errno != EINTR {
                throw RuntimeError(message: "poll failed: \(String(cString: strerror(errno)))")
            }
            var redraw = false
            if fds[0].revents != 0 {
                for number in signals.take() {
                    switch number {
                    case SIGWINCH: redraw = true
                    case SIGINT: return .quit
                    case SIGTSTP:
                        try suspend()
                        redraw = true
                    case SIGCONT:
                        // Continued after a stop we did not make (SIGSTOP): the shell may have reset the modes.
                        tty.restore()
                        try tty.enter()
                        redraw = true
                    default: return .signal(number)
                    }
                }
            }
            if fds[1].revents != 0 {
                guard let keys = readKeys() else {
                    fds[1].fd = -1  // end of input: poll ignores negative descriptors
                    continue
                }
                for key in keys {
                    switch key {
                    case .quit: return .quit
                    case .suspend: try suspend()
                    case .togglePause: screen.paused.toggle()
                    default: screen.scroll(key, in: session.tracker)
                    }
                    redraw = true
                }
            }
            let step = try session.step(at: WatchClock.now)
            redraw = redraw || (!screen.paused && (step.refreshed || !step.events.isEmpty || !step.losses.isEmpty))
            if redraw { try draw() }
        }
    }

    /// The keys read from the terminal, nil at end of input.
    private func readKeys() -> [WatchKey]? {
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = bytes.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if count == 0 { return nil }
        return WatchKey.decode(Array(bytes.prefix(max(0, count))))
    }

    /// Lays the screen out for the current window size and writes it in one write(2).
    private func draw() throws {
        let size = tty.size
        screen.width = size.width
        screen.height = size.height
        screen.title = "tcpstates --watch  \(session.source.rawValue)  every \(intervalText)"
            + (titleSummary.isEmpty ? "" : "  \(titleSummary)")
        // Until two polls after the loss have resynchronised what is shown; the screen never drops it.
        screen.lossMarker = session.isResynchronising ? "LOST EVENTS" : nil
        screen.columns = session.tableColumns
        painter.paint(screen.lines(session.tracker, at: WatchClock.now), into: writer)
        try writer.flush()
    }

    private var intervalText: String {
        let intervalMilliseconds = session.schedule.intervalMilliseconds
        return intervalMilliseconds % 1000 == 0 ? "\(intervalMilliseconds / 1000)s" : "\(Double(intervalMilliseconds) / 1000)s"
    }
}
