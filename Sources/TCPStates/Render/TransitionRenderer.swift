/// Writes state transitions as they happen, one line each: an aligned text
/// line, or NDJSON in the schema `--watch` uses for its changes:
/// `{"event": "change", "source": "trace", "time", "family", "local",
/// "remote", "state", "previous_state", "state_ms", "pid", "command", "netns"}`,
/// where `netns` is null when the socket's namespace could not be known.
public struct TransitionRenderer {
    public enum Format: Sendable { case text, json }

    private let writer: ByteWriter
    private let format: Format

    /// TIME, LOCAL, REMOTE, OLD, `->`, NEW, MS, NETNS, TASK: fixed widths (an
    /// endpoint, state or namespace wider than its column pushes its line
    /// right), so that each line is written as it happens. NETNS fits
    /// `net:[4026531840]`.
    static let columns = TableAligner([
        .init(header: "TIME", width: 12),
        .init(header: "LOCAL", width: 22),
        .init(header: "REMOTE", width: 22),
        .init(header: "OLD", width: 11, gapAfter: 1),
        .init(header: "", width: 2, gapAfter: 1),
        .init(header: "NEW", width: 11, gapAfter: 1),
        .init(header: "MS", alignsRight: true, width: 9),
        .init(header: "NETNS", width: 16),
        .init(header: "TASK"),
    ])

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
        Self.columns.writeHeader(to: writer)
    }

    public func write(_ transition: StateTransition) throws {
        switch format {
        case .text: text(transition)
        case .json: json(transition)
        }
        try writer.flushIfFull()
    }

    private func text(_ t: StateTransition) {
        let columns = Self.columns
        let time = CalendarTime(milliseconds: Int64(t.time / 1_000_000), utcOffsetSeconds: utcOffsetSeconds)
        writer.write(atMost: columns.lineWidth + 64) { cursor in
            columns.cell(0, &cursor) { $0.append(clock: time, milliseconds: true) }
            columns.cell(1, &cursor) { $0.append(endpoint: t.local) }
            columns.cell(2, &cursor) { $0.append(endpoint: t.remote) }
            columns.cell(3, &cursor) { $0.append(stateName: t.previousState) }
            columns.cell(4, &cursor) { $0.append("->") }
            columns.cell(5, &cursor) { $0.append(stateName: t.state) }
            columns.cell(6, &cursor) { cursor in
                if let elapsed = t.stateNanoseconds {
                    cursor.append(nanosecondsAsMilliseconds: elapsed)
                } else {
                    cursor.append(UInt8(ascii: "-"))
                }
            }
            // A namespace name comes from /run/netns: outside text.
            columns.cell(7, &cursor, countsCharacters: true) { cursor in
                if let netns = t.netns { cursor.append(escaping: Array(netns.label.utf8)) } else { cursor.append("unknown") }
            }
        }
        // TASK, the last column, is not padded: written as it comes.
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
}

extension ByteCursor {
    /// A kernel state number's name: `ESTABLISHED`, `UNKNOWN(42)`.
    mutating func append(stateName kernelState: UInt8) {
        var name = TCPStates.stateName(kernel: kernelState)
        name.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }
}
