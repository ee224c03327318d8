/// The socket table of the watch screen: a marker column (`+` new, `*`
/// changed, `-` gone, so that the marks survive without colour), then
/// STATE, RECV-Q, SEND-Q, LOCAL, REMOTE, AGE, widths from the rows shown.
struct TableLayout {
    struct Row {
        var connection: Connection
        /// `ESTABLISHED`, or `OLD -> NEW` for a row that just changed.
        var state: String
        var age: String
        var style: ScreenLine.Style
    }

    let rows: [Row]

    var lines: [ScreenLine] {
        let locals = rows.map { endpointText($0.connection.local) }
        let remotes = rows.map { endpointText($0.connection.remote) }
        let stateWidth = rows.map(\.state.utf8.count).max().map { max($0, 5) } ?? 5
        let recvWidth = rows.map { String($0.connection.recvQueue).utf8.count }.max().map { max($0, 6) } ?? 6
        let sendWidth = rows.map { String($0.connection.sendQueue).utf8.count }.max().map { max($0, 6) } ?? 6
        let localWidth = locals.map(\.utf8.count).max().map { max($0, 5) } ?? 5
        let remoteWidth = remotes.map(\.utf8.count).max().map { max($0, 6) } ?? 6
        func line(_ mark: String, _ state: String, _ recv: String, _ send: String,
                  _ local: String, _ remote: String, _ age: String) -> String {
            mark + " " + padRight(state, stateWidth) + "  " + padLeft(recv, recvWidth) + "  "
                + padLeft(send, sendWidth) + "  " + padRight(local, localWidth) + "  "
                + padRight(remote, remoteWidth) + "  " + age
        }
        var lines = [ScreenLine(line(" ", "STATE", "RECV-Q", "SEND-Q", "LOCAL", "REMOTE", "AGE"), .heading)]
        for (index, row) in rows.enumerated() {
            let mark = switch row.style {
            case .new: "+"
            case .changed: "*"
            case .gone: "-"
            default: " "
            }
            lines.append(ScreenLine(line(
                mark, row.state, String(row.connection.recvQueue), String(row.connection.sendQueue),
                locals[index], remotes[index], row.age), row.style))
        }
        return lines
    }
}

/// The transitions pane, like bcc's tcpstates: time, endpoints, `OLD -> NEW`
/// and how long the socket was in OLD.
struct TransitionLayout {
    let events: ArraySlice<WatchEvent>
    let utcOffsetSeconds: Int

    var lines: [ScreenLine] {
        let locals = events.map { endpointText($0.connection.local) }
        let remotes = events.map { endpointText($0.connection.remote) }
        let localWidth = locals.map(\.utf8.count).max() ?? 0
        let remoteWidth = remotes.map(\.utf8.count).max() ?? 0
        return events.enumerated().map { index, event in
            let time = CalendarTime(milliseconds: event.time.wallMilliseconds, utcOffsetSeconds: utcOffsetSeconds)
            let old = event.previousKernelState.map { stateName(kernel: $0) } ?? "-"
            let duration = event.previousStateMilliseconds.map { "  " + DurationText.format(milliseconds: $0) } ?? ""
            let text = time.clockMillisecondsText + "  " + padRight(locals[index], localWidth) + "  "
                + padRight(remotes[index], remoteWidth) + "  " + old + " -> " + event.stateName + duration
            return ScreenLine(text, event.kind == .close ? .gone : event.kind == .open ? .new : .changed)
        }
    }
}

private func padRight(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.utf8.count))
}

private func padLeft(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.utf8.count)) + text
}
