/// One line of the watch screen: text that fits the width, and its style.
public struct ScreenLine: Equatable, Sendable {
    public enum Style: Sendable, Equatable {
        case plain, title, heading, new, changed, gone, dim
    }

    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

/// Lays the watch screen out for a window of `width` x `height` cells:
/// title, counts per state, the table of sockets with their AGE, and a pane
/// of the latest transitions. Pure: lines in, no terminal involved. The
/// rows are in the tracker's `order`, which must not be nil; only the rows
/// shown are formatted.
///
/// Nothing is cut silently: a narrow window hides whole columns (the title
/// says which), a value that must still be cut ends in `…`, addresses and
/// ports are never cut, and text lines lose whole words or parts.
public struct WatchScreen {
    public var width: Int
    public var height: Int
    /// What is watched (source, interval, filters), shown after the clock; escaped text.
    public var title: String
    /// The listing's columns, the same as the one-shot table's; the screen
    /// writes STATE itself (`OLD -> NEW` for a change) and adds AGE.
    public var columns: [TableColumn] = ListingColumn.standard.map { $0.tableColumn(owners: nil) }
    /// Shown in the title, after the clock, while set: that events were lost
    /// (`LOST 12 closes`); the session sets and clears it.
    public var lossMarker: String?
    /// Offset of the local time zone, for the clock and the transition times.
    public var utcOffsetSeconds = 0
    public var paused = false
    /// Most transitions the pane shows.
    public var maxTransitionRows = 8
    /// The first table row shown, for scrolling; the layout keeps it in range.
    public var firstRow = 0

    public init(width: Int, height: Int, title: String) {
        self.width = width
        self.height = height
        self.title = title
    }

    public func lines(_ tracker: SocketTracker, at now: WatchInstant) -> [ScreenLine] {
        guard width > 0, height > 0 else { return [] }
        var lines: [ScreenLine] = []
        var hidden: [String] = []
        let rowCount = Self.rowCount(tracker)
        let space = layoutSpace(rowCount: rowCount, transitionCount: tracker.transitions.count)
        if space.tableRows >= 1 {
            let first = min(max(0, firstRow), rowCount - space.visibleRows)
            let rows = tableRows(first..<(first + space.visibleRows), tracker, at: now)
            let table = TableLayout(rows: rows, columns: columns, width: width).layout
            lines += table.lines
            hidden = table.hidden
            if space.visibleRows < rowCount {
                let more = rowCount - space.visibleRows
                let forms = ["... and \(more) more" + (first > 0 ? " (\(first) above, \(more - first) below)" : ""),
                             "... and \(more) more", "... \(more) more", "...\(more)"]
                lines.append(ScreenLine(forms.first { textWidth($0) <= width } ?? forms[3], .dim))
            }
        }
        let paneRows = space.paneRows
        if paneRows > 0 {
            lines.append(ScreenLine("TRANSITIONS", .heading))
            lines += TransitionLayout(events: tracker.transitions.suffix(paneRows), utcOffsetSeconds: utcOffsetSeconds,
                                      width: width).lines
        }
        let header = [ScreenLine(titleLine(at: now, hidden: hidden), .title),
                      ScreenLine(fitParts(tracker.counts.parts, width: width))]
        return (header + lines).prefix(height).map { ScreenLine(cutToWidth($0.text, width), $0.style) }
    }

    /// `12:00:01  LOST 3 closes  tcpstates --watch  netlink  every 1s  hidden: SEND-Q RECV-Q  (space pauses, ...)`:
    /// the clock and the loss marker always; then the columns hidden (by
    /// name, else by number); the title by whole words; the keys when there is room.
    private func titleLine(at now: WatchInstant, hidden: [String]) -> String {
        let clock = CalendarTime(milliseconds: now.wallMilliseconds, utcOffsetSeconds: utcOffsetSeconds).clockText
        let keys = paused ? "[paused: space resumes, q quits]" : "(space pauses, arrows scroll, q quits)"
        let hiddenText = hidden.isEmpty ? "" : "hidden: " + hidden.joined(separator: " ")
        let full = [clock, lossMarker ?? "", title, hiddenText, keys].filter { !$0.isEmpty }.joined(separator: "  ")
        if textWidth(full) <= width { return full }
        // Without the keys: what is hidden (by name, else how many) before
        // the title, the title by whole words.
        let required = [clock, lossMarker ?? "", paused ? "[paused]" : ""].filter { !$0.isEmpty }
        let head = required.joined(separator: "  ")
        let notes = hidden.isEmpty ? [""] : [hiddenText, "\(hidden.count) columns hidden", "\(hidden.count) hidden"]
        let note = notes.first { textWidth(head) + 2 + textWidth($0) <= width } ?? ""
        let withoutTitle = fitParts(required + [note], width: width, required: required.count)
        let room = width - textWidth(withoutTitle) - 2
        guard !title.isEmpty, room >= 6, !withoutTitle.hasSuffix("…") else { return withoutTitle }
        return withoutTitle + "  " + fitWords(title, width: room)
    }

    /// Moves the first row shown for a scrolling key, within range for the tracker's rows.
    public mutating func scroll(_ key: WatchKey, in tracker: SocketTracker) {
        let rowCount = Self.rowCount(tracker)
        let space = layoutSpace(rowCount: rowCount, transitionCount: tracker.transitions.count)
        let last = rowCount - space.visibleRows
        let page = max(1, space.visibleRows - 1)
        switch key {
        case .up: firstRow -= 1
        case .down: firstRow += 1
        case .pageUp: firstRow -= page
        case .pageDown: firstRow += page
        case .top: firstRow = 0
        case .bottom: firstRow = last
        case .quit, .togglePause, .suspend: break
        }
        firstRow = min(max(0, firstRow), max(0, last))
    }

    /// Rows for the table (its heading and a `...` line included) and the
    /// pane; the pane gives way first when the window is short.
    private func layoutSpace(rowCount: Int, transitionCount: Int) -> (tableRows: Int, visibleRows: Int, paneRows: Int) {
        let fixed = 3  // title, counts, the table's heading
        var paneRows = min(transitionCount, maxTransitionRows, max(0, (height - 4) / 3))
        var tableRows = height - fixed - (paneRows > 0 ? paneRows + 1 : 0)
        if tableRows < 1 {
            paneRows = 0
            tableRows = height - fixed
        }
        let visible = tableRows < 1 ? 0 : rowCount > tableRows ? tableRows - 1 : rowCount
        return (tableRows, visible, paneRows)
    }

    /// Present and just-gone sockets.
    private static func rowCount(_ tracker: SocketTracker) -> Int { tracker.ordered.count + tracker.gone.count }

    /// The rows at `window` of the present and just-gone sockets in the
    /// tracker's order. The few gone rows are merged into the present ones,
    /// each after the present rows not greater than it.
    private func tableRows(_ window: Range<Int>, _ tracker: SocketTracker, at now: WatchInstant) -> [TableLayout.Row] {
        let present = tracker.ordered
        let order = tracker.order ?? .state
        let gone = tracker.gone.enumerated().sorted { a, b in
            order.areInIncreasingOrder(a.element.connection, b.element.connection)
                || (!order.areInIncreasingOrder(b.element.connection, a.element.connection) && a.offset < b.offset)
        }.map(\.element)
        let gonePositions = gone.enumerated().map { offset, event in
            var low = 0, high = present.count
            while low < high {
                let middle = (low + high) / 2
                if order.areInIncreasingOrder(event.connection, present[middle].connection) {
                    high = middle
                } else {
                    low = middle + 1
                }
            }
            return low + offset
        }
        var goneBefore = gonePositions.prefix { $0 < window.lowerBound }.count
        var rows: [TableLayout.Row] = []
        rows.reserveCapacity(window.count)
        for position in window {
            if goneBefore < gone.count, gonePositions[goneBefore] == position {
                rows.append(goneRow(gone[goneBefore]))
                goneBefore += 1
            } else {
                rows.append(presentRow(present[position - goneBefore], tracker, at: now))
            }
        }
        return rows
    }

    private func presentRow(_ entry: SocketTracker.Entry, _ tracker: SocketTracker, at now: WatchInstant) -> TableLayout.Row {
        let c = entry.connection
        let mark = tracker.mark(of: entry)
        var state = stateName(kernel: c.kernelState)
        if mark == .changed, let previous = entry.previousKernelState {
            state = stateName(kernel: previous) + " -> " + state
        }
        return TableLayout.Row(
            connection: c, state: state,
            age: DurationText.format(milliseconds: entry.age(at: now), isLowerBound: !entry.enteredAtIsKnown),
            style: mark == .new ? .new : mark == .changed ? .changed : .plain)
    }

    private func goneRow(_ event: WatchEvent) -> TableLayout.Row {
        let previous = event.previousKernelState.map { stateName(kernel: $0) + " -> " } ?? ""
        return TableLayout.Row(
            connection: event.connection, state: previous + TCPState.closed.name,
            age: event.previousStateMilliseconds.map { DurationText.format(milliseconds: $0) } ?? "",
            style: .gone)
    }
}

extension StateCounts {
    /// `12 sockets`, `LISTEN 2`, `ESTABLISHED 8`, `TIME_WAIT 2`: the non-zero states in diagram order.
    var parts: [String] {
        ["\(total) socket\(total == 1 ? "" : "s")"] + rows(states: .all).filter { $0.count > 0 }.map { "\($0.name) \($0.count)" }
    }

    /// The parts as one line.
    var text: String { parts.joined(separator: "  ") }
}

/// Endpoint text as the table prints it.
func endpointText(_ endpoint: Endpoint) -> String {
    let writer = ByteWriter(threshold: .max) { _ in }
    writer.append(endpoint: endpoint)
    return String(decoding: writer.bytes, as: UTF8.self)
}
