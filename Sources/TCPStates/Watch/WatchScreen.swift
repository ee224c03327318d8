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
public struct WatchScreen {
    public var width: Int
    public var height: Int
    /// What is watched (source, interval, filters), shown after the clock; printable ASCII.
    public var title: String
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
        let clock = CalendarTime(milliseconds: now.wallMilliseconds, utcOffsetSeconds: utcOffsetSeconds).clockText
        let keys = paused ? "[paused: space resumes, q quits]" : "(space pauses, arrows scroll, q quits)"
        var lines = [ScreenLine("\(clock)  \(title)  \(keys)", .title),
                     ScreenLine(tracker.counts.text)]
        let rowCount = Self.rowCount(tracker)
        let space = layoutSpace(rowCount: rowCount, transitionCount: tracker.transitions.count)
        if space.tableRows >= 1 {
            let first = min(max(0, firstRow), rowCount - space.visibleRows)
            lines += TableLayout(rows: tableRows(first..<(first + space.visibleRows), tracker, at: now)).lines
            if space.visibleRows < rowCount {
                let above = first > 0 ? " (\(first) above, \(rowCount - space.visibleRows - first) below)" : ""
                lines.append(ScreenLine("... and \(rowCount - space.visibleRows) more" + above, .dim))
            }
        }
        let paneRows = space.paneRows
        if paneRows > 0 {
            lines.append(ScreenLine("TRANSITIONS", .heading))
            lines += TransitionLayout(events: tracker.transitions.suffix(paneRows), utcOffsetSeconds: utcOffsetSeconds).lines
        }
        return lines.prefix(height).map { ScreenLine(String($0.text.utf8.prefix(width)) ?? "", $0.style) }
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
    /// `12 sockets  LISTEN 2  ESTABLISHED 8  TIME_WAIT 2`: the non-zero states in diagram order.
    var text: String {
        let parts = rows(states: .all).filter { $0.count > 0 }.map { "\($0.name) \($0.count)" }
        return (["\(total) socket\(total == 1 ? "" : "s")"] + parts).joined(separator: "  ")
    }
}

/// Endpoint text as the table prints it.
func endpointText(_ endpoint: Endpoint) -> String {
    let writer = ByteWriter(threshold: .max) { _ in }
    writer.append(endpoint: endpoint)
    return String(decoding: writer.bytes, as: UTF8.self)
}
