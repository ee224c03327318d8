import ArgumentParser
import TCPStates

/// `--watch` and `--interval`: the options of watch mode.
struct WatchOptions: ParsableArguments {
    @Flag(name: [.customShort("w"), .long], help: ArgumentHelp(
        "Keep watching: a live screen on a terminal; NDJSON events with --json or when stdout is not a terminal."))
    var watch = false

    @Option(name: .long, help: ArgumentHelp(
        "Seconds between refreshes with --watch (default 1, at least 0.1).", valueName: "seconds"))
    var interval: String?

    /// The destroy socket's receive buffer in bytes, for the test that makes the kernel drop messages.
    @Option(name: .customLong("destroy-buffer"), help: .hidden)
    var destroyBufferBytes: Int32?

    /// The refresh interval in milliseconds.
    var intervalMilliseconds: Int64 {
        get throws {
            guard let interval else { return 1000 }
            guard let seconds = Double(interval), seconds.isFinite, seconds >= 0.1, seconds <= 86400 else {
                throw ValidationError("--interval wants seconds from 0.1 to 86400, got '\(OutsideText.escaped(interval))'")
            }
            return Int64((seconds * 1000).rounded())
        }
    }

    /// Combinations that make no sense with watch mode are usage errors.
    func check(noHeader: Bool, capturing: Bool) throws {
        _ = try intervalMilliseconds
        if interval != nil, !watch { throw ValidationError("--interval needs --watch") }
        guard watch else { return }
        // The screen's header is what makes it readable, and NDJSON has none.
        if noHeader { throw ValidationError("--no-header does not apply to --watch") }
        if capturing { throw ValidationError("--capture-netlink does not apply to --watch") }
    }
}

extension FilterOptions {
    /// The filters as given, for the watch screen's title: `port 7100  state established`.
    var summary: String {
        var parts: [String] = []
        func add(_ name: String, _ values: [String]) {
            if !values.isEmpty { parts.append("\(name) \(values.joined(separator: ","))") }
        }
        add("port", port)
        add("local-port", localPort)
        add("remote-port", remotePort)
        add("state", state)
        if listening { parts.append("listening") }
        if all { parts.append("all") }
        if ipv4 != ipv6 { parts.append(ipv4 ? "-4" : "-6") }
        add("local", localAddress)
        add("remote", remoteAddress)
        add("addr", address)
        return OutsideText.escaped(parts.joined(separator: "  "))
    }
}
