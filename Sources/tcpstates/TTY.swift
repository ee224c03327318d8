import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// The controlling terminal of the watch screen: raw keys, the alternate
/// screen, the window size. `restore()` puts back everything `enter()` changed.
final class TTY {
    private var saved: termios?
    private var entered = false

    /// Whether `fd` is a terminal.
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Colour unless NO_COLOR is set (https://no-color.org) or TERM is dumb.
    static var usesColor: Bool {
        if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
        guard let term = getenv("TERM") else { return false }
        return String(cString: term) != "dumb"
    }

    /// Keys without echo or line buffering (when stdin is this terminal),
    /// the alternate screen and a hidden cursor.
    func enter() throws {
        if Self.isTerminal(0) {
            var attributes = termios()
            guard tcgetattr(0, &attributes) == 0 else {
                throw RuntimeError(message: "cannot read the terminal's modes: \(String(cString: strerror(errno)))")
            }
            saved = attributes
            // ISIG off too: Ctrl-C and Ctrl-Z arrive as keys, so that the
            // screen is never left (or suspended) in raw mode behind our back.
            attributes.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
            attributes.c_cc.6 = 1   // VMIN
            attributes.c_cc.5 = 0   // VTIME
            guard tcsetattr(0, TCSANOW, &attributes) == 0 else {
                throw RuntimeError(message: "cannot set the terminal's modes: \(String(cString: strerror(errno)))")
            }
        }
        entered = true
        try Terminal.writeStandardOutput("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
    }

    /// Leaves the alternate screen, shows the cursor, restores the modes.
    func restore() {
        if entered {
            try? Terminal.writeStandardOutput("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
            entered = false
        }
        if var saved {
            _ = tcsetattr(0, TCSANOW, &saved)
            self.saved = nil
        }
    }

    deinit { restore() }

    /// Columns and rows of the window (80 x 24 when the terminal does not say).
    var size: (width: Int, height: Int) {
        var window = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else { return (80, 24) }
        return (Int(window.ws_col), Int(window.ws_row))
    }
}
