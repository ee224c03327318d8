/// The socket table of the watch screen: a marker column (`+` new, `*`
/// changed, `-` gone, so that the marks survive without colour), the
/// listing's columns (STATE showing `OLD -> NEW` for a row that just
/// changed), then AGE; widths from the rows shown, through the
/// `TableAligner`. A screen too narrow for every column hides whole columns,
/// lowest priority first (`hidden` names them for the header).
struct TableLayout {
    struct Row {
        var connection: Connection
        /// `ESTABLISHED`, or `OLD -> NEW` for a row that just changed.
        var state: String
        var age: String
        var style: ScreenLine.Style
    }

    /// The column the screen writes itself in place of the listing's STATE.
    static let stateHeader = "STATE"

    let rows: [Row]
    let columns: [TableColumn]
    let width: Int

    /// The table's lines, heading first, and the headers of the columns hidden to fit `width`.
    var layout: (lines: [ScreenLine], hidden: [String]) {
        let scratch = ByteWriter(threshold: .max) { _ in }
        let cells = rows.map { row in
            [Self.mark(row.style)] + columns.map { column in
                guard column.header != Self.stateHeader else { return row.state }
                column.cell(row.connection, scratch)
                defer { scratch.reset() }
                return String(decoding: scratch.bytes, as: UTF8.self)
            } + [row.age]
        }
        var fitted = FittedColumns(
            // The mark goes just before STATE, which stays the longest.
            [.init(header: "", natural: 1, priority: 95, gapAfter: 1)]
                + columns.map { .init(header: $0.header, alignsRight: $0.alignsRight, priority: $0.screenPriority,
                                      cutPriority: $0.cutPriority) }
                + [.init(header: "AGE", priority: 50)],
            cells: cells)
        fitted.fit(width: width)
        return ([ScreenLine(fitted.line(fitted.headers), .heading)]
                    + zip(rows, cells).map { ScreenLine(fitted.line($1), $0.style) },
                fitted.hidden)
    }

    /// `+` new, `*` changed, `-` gone: the marks that survive without colour.
    private static func mark(_ style: ScreenLine.Style) -> String {
        switch style {
        case .new: "+"
        case .changed: "*"
        case .gone: "-"
        default: " "
        }
    }
}

/// The transitions pane, like bcc's tcpstates: time, endpoints, `OLD -> NEW`
/// and how long the socket was in OLD. A narrow screen hides the duration,
/// then the time, then the endpoints; `OLD -> NEW` goes last.
struct TransitionLayout {
    let events: ArraySlice<WatchEvent>
    let utcOffsetSeconds: Int
    let width: Int

    var lines: [ScreenLine] {
        let cells = events.map { event in
            let time = CalendarTime(milliseconds: event.time.wallMilliseconds, utcOffsetSeconds: utcOffsetSeconds)
            let old = event.previousKernelState.map { stateName(kernel: $0) } ?? "-"
            return [time.clockMillisecondsText, endpointText(event.connection.local),
                    endpointText(event.connection.remote), old + " -> " + event.stateName,
                    event.previousStateMilliseconds.map { DurationText.format(milliseconds: $0) } ?? ""]
        }
        var fitted = FittedColumns([
            .init(header: "TIME", priority: 30),
            .init(header: "LOCAL", priority: 80),
            .init(header: "REMOTE", priority: 70),
            .init(header: "CHANGE", priority: 100, cutPriority: 100),
            .init(header: "FOR", priority: 20),
        ], cells: cells, measuresHeaders: false)
        fitted.fit(width: width)
        return zip(events, cells).map { event, row in
            ScreenLine(fitted.line(row), event.kind == .close ? .gone : event.kind == .open ? .new : .changed)
        }
    }
}

/// Columns fitted to a screen's width by steps, least valuable first: hide
/// a column (at its `priority`), or cut the values of a text column to
/// `narrowestCut` (at its `cutPriority`), until the rest fit. The room left
/// then goes back to the cut columns; a value still too wide for its column
/// is cut and ends in `…`. One column always stays.
struct FittedColumns {
    struct Column {
        var header: String
        var alignsRight = false
        /// Width of the widest cell (and header, when headers are shown).
        var natural = 0
        var priority: Int
        /// Nil: never cut (numbers, addresses, ports).
        var cutPriority: Int?
        var gapAfter = TableAligner.gap
    }

    /// The narrowest a column that may be cut is cut to: room for a state name.
    static let narrowestCut = 11

    private(set) var columns: [Column]
    /// Whether each column is shown.
    private(set) var shown: [Bool]
    /// Headers of the columns hidden, in the order they were hidden.
    private(set) var hidden: [String] = []
    private var aligner = TableAligner([])

    init(_ columns: [Column], cells: [[String]], measuresHeaders: Bool = true) {
        var columns = columns
        for index in columns.indices {
            let widest = cells.lazy.map { index < $0.count ? textWidth($0[index]) : 0 }.max() ?? 0
            columns[index].natural = max(columns[index].natural, widest,
                                         measuresHeaders ? textWidth(columns[index].header) : 0)
        }
        self.columns = columns
        shown = Array(repeating: true, count: columns.count)
    }

    var headers: [String] { columns.map(\.header) }

    mutating func fit(width: Int) {
        var widths = columns.map(\.natural)
        func total() -> Int {
            let kept = columns.indices.filter { shown[$0] }
            return kept.reduce(0) { $0 + widths[$1] } + kept.dropLast().reduce(0) { $0 + columns[$1].gapAfter }
        }
        enum Step { case hide(Int), cut(Int) }
        var steps: [(priority: Int, step: Step)] = columns.indices.map { (columns[$0].priority, .hide($0)) }
        steps += columns.indices.compactMap { index in columns[index].cutPriority.map { ($0, .cut(index)) } }
        steps.sort { $0.priority < $1.priority }
        var cut: [Int] = []
        for (_, step) in steps where total() > width {
            switch step {
            case .hide(let index) where shown.filter({ $0 }).count > 1:
                shown[index] = false
                hidden.append(columns[index].header)
            case .cut(let index) where shown[index]:
                widths[index] = min(widths[index], Self.narrowestCut)
                cut.append(index)
            default: break
            }
        }
        // Room left goes back to the cut columns, most valuable first; a lone
        // column still too wide is cut to the width.
        var room = width - total()
        for index in cut.reversed() where shown[index] {
            let back = min(max(0, room), columns[index].natural - widths[index])
            widths[index] += back
            room -= back
        }
        if room < 0, let only = shown.firstIndex(of: true), shown.filter({ $0 }).count == 1 {
            widths[only] = max(1, width)
        }
        aligner = TableAligner(columns.indices.filter { shown[$0] }.map { index in
            TableAligner.Column(header: "", alignsRight: columns[index].alignsRight, width: widths[index],
                                gapAfter: columns[index].gapAfter)
        })
    }

    /// The line of one row's cells (one a column, hidden ones included).
    func line(_ cells: [String]) -> String {
        let kept = cells.indices.filter { $0 < shown.count && shown[$0] }
        let shownCells = kept.enumerated().map { position, index in
            cutToWidth(cells[index], aligner.columns[position].width)
        }
        return aligner.line(shownCells)
    }
}

/// `text` whole when it fits `width` terminal columns, else its first
/// characters and `…` in `width`.
func cutToWidth(_ text: String, _ width: Int) -> String {
    guard textWidth(text) > width else { return text }
    guard width > 0 else { return "" }
    return String(String.UnicodeScalarView(text.unicodeScalars.prefix(width - 1))) + "…"
}

/// Parts joined by two blanks, as many whole parts as fit `width`; when
/// some do not, `…` stands in their place. The first `required` parts are
/// kept whatever the width (and cut, marked, only as a last resort).
func fitParts(_ parts: [String], width: Int, required: Int = 1) -> String {
    let parts = parts.filter { !$0.isEmpty }
    let whole = parts.joined(separator: "  ")
    guard textWidth(whole) > width else { return whole }
    var kept: [String] = []
    for (index, part) in parts.enumerated() {
        let candidate = (kept + [part, "…"]).joined(separator: "  ")
        guard index < required || textWidth(candidate) <= width else { break }
        kept.append(part)
    }
    return cutToWidth((kept + ["…"]).joined(separator: "  "), width)
}

/// Text fitted to `width` by whole words: the words that fit and `…`.
func fitWords(_ text: String, width: Int) -> String {
    guard textWidth(text) > width else { return text }
    var line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
        let next = line.isEmpty ? String(word) : line + " " + word
        if textWidth(next) + 1 > width { break }
        line = next
    }
    while line.hasSuffix(" ") { line.removeLast() }
    return cutToWidth(line + "…", width)
}
