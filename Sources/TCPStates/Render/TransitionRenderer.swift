/// Writes state transitions as they happen, one line each: an aligned text
/// line, or NDJSON in the schema `--watch` uses for its changes:
/// `{"event": "change", "source": "trace", "time", "family", "local",
/// "remote", "state", "previous_state", "state_ms", "pid", "command", "netns"}`,
/// where `netns` is null when the socket's namespace could not be known.
public struct TransitionRenderer {
    public enum Format: Sendable { case text, json }

    private let writer: ByteWriter
    private let format: Format

    static let endpointWidth = 22
    static let stateWidth = 11
    /// `net:[4026531840]`; longer names push the task along.
    static let netnsWidth = 16

    /// The zone of the text format's times, seconds east of UTC.
    public var utcOffsetSeconds: Int

    public init(writer: ByteWriter, format: Format, utcOffsetSeconds: Int = CalendarTime.localUTCOffsetSeconds) {
        self.writer = writer
        self.format = format
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The column header of the text format (JSON has none).
    public func writeHeader() {
        guard format == .text else { return }
        writer.append("TIME          ")
        pad("LOCAL", Self.endpointWidth + 2)
        pad("REMOTE", Self.endpointWidth + 2)
        pad("OLD", Self.stateWidth + 4)
        pad("NEW", Self.stateWidth + 1)
        writer.append("       MS  ")
        pad("NETNS", Self.netnsWidth + 2)
        writer.append("TASK\n")
    }

    public func write(_ transition: StateTransition) throws {
        switch format {
        case .text: text(transition)
        case .json: json(transition)
        }
        try writer.flushIfFull()
    }

    private func text(_ t: StateTransition) {
        writer.append(timeOfDayMilliseconds: Int64(t.time / 1_000_000), utcOffsetSeconds: utcOffsetSeconds)
        writer.appendSpaces(2)
        column { writer.append(endpoint: t.local) }
        column { writer.append(endpoint: t.remote) }
        pad(stateName(kernel: t.previousState), Self.stateWidth + 1)
        writer.append("-> ")
        pad(stateName(kernel: t.state), Self.stateWidth + 1)
        if let elapsed = t.stateNanoseconds {
            writer.write(atMost: 24) { cursor in
                cursor.append(nanosecondsAsMilliseconds: elapsed)
                cursor.insertSpaces(9 - cursor.written, at: 0)
            }
        } else {
            writer.append("        -")
        }
        writer.appendSpaces(2)
        column(Self.netnsWidth) {
            // A namespace name comes from /run/netns: outside text.
            if let netns = t.netns { writer.append(escaping: Array(netns.label.utf8)) } else { writer.append("unknown") }
        }
        if let task = t.task {
            if let command = task.command { writer.append(escaping: command) } else { writer.append("?") }
            writer.append(UInt8(ascii: "["))
            writer.append(decimal: UInt64(task.pid))
            writer.append(UInt8(ascii: "]"))
        } else {
            writer.append("-")
        }
        if t.stateSeenThroughSockDiag { writer.append("  (sock_diag)") }
        writer.append(UInt8(ascii: "\n"))
    }

    private func json(_ t: StateTransition) {
        writer.append("{\"event\": \"change\", \"source\": \"trace\", \"time\": \"")
        writer.append(rfc3339Milliseconds: Int64(t.time / 1_000_000))
        writer.append("\", \"family\": \"")
        writer.append(t.family.name)
        writer.append("\", \"local\": ")
        writer.appendJSON(endpoint: t.local)
        writer.append(", \"remote\": ")
        writer.appendJSON(endpoint: t.remote)
        writer.append(", \"state\": \"")
        writer.append(stateName(kernel: t.state))
        writer.append("\", \"previous_state\": \"")
        writer.append(stateName(kernel: t.previousState))
        writer.append("\", \"state_ms\": ")
        if let elapsed = t.stateNanoseconds { writer.append(nanosecondsAsMilliseconds: elapsed) } else { writer.append("null") }
        writer.append(", \"pid\": ")
        if let task = t.task { writer.append(decimal: UInt64(task.pid)) } else { writer.append("null") }
        writer.append(", \"command\": ")
        if let command = t.task?.command { writer.append(jsonString: command) } else { writer.append("null") }
        writer.append(", \"netns\": ")
        if let netns = t.netns {
            writer.append("{\"inode\": ")
            writer.append(decimal: netns.inode)
            writer.append(", \"name\": ")
            if let name = netns.name { writer.append(jsonString: name) } else { writer.append("null") }
            writer.append(", \"pid\": ")
            if let pid = netns.holderPID { writer.append(decimal: UInt64(pid)) } else { writer.append("null") }
            writer.append(", \"container\": ")
            if let container = netns.container { writer.append(jsonString: container.text) } else { writer.append("null") }
            writer.append("}")
        } else {
            writer.append("null")
        }
        if t.stateSeenThroughSockDiag { writer.append(", \"state_seen_through\": \"sock_diag\"") }
        writer.append("}\n")
    }

    /// Writes what `body` appends, then pads it to `width` (the endpoint column's by default) plus a gap.
    private func column(_ width: Int = endpointWidth, _ body: () -> Void) {
        let start = writer.count
        body()
        writer.appendSpaces(width - (writer.count - start))
        writer.appendSpaces(2)
    }

    private func pad(_ text: String, _ width: Int) {
        writer.append(text)
        writer.appendSpaces(width - text.utf8.count)
    }
}
