import Foundation
import Testing
@testable import TCPStates

/// The watch screen's layout, from real captured sockets, without a terminal.
@Suite struct WatchScreenTests {
    typealias T = WatchTrackerTests

    static func tracker(_ snapshots: [[Connection]]) throws -> SocketTracker {
        var tracker = SocketTracker()
        for (index, snapshot) in snapshots.enumerated() {
            _ = try T.refresh(&tracker, snapshot, at: Int64(index) * 1000)
        }
        return tracker
    }

    static func screen(width: Int, height: Int) -> WatchScreen {
        WatchScreen(width: width, height: height, title: "netlink  every 1s")
    }

    /// The rows of the table: the lines after the STATE heading, up to `...` or the pane.
    static func tableRows(_ lines: [ScreenLine]) -> [String] {
        guard let heading = lines.firstIndex(where: { $0.style == .heading && $0.text.contains("STATE") }) else { return [] }
        return lines[(heading + 1)...].prefix { !$0.text.hasPrefix("...") && $0.text != "TRANSITIONS" }.map(\.text)
    }

    @Test func rowsPastTheBottomAreSummarisedAndEveryLineFits() throws {
        let sample = try T.sample()
        let tracker = try Self.tracker([sample])
        for (width, height) in [(100, 6), (40, 7), (12, 9), (200, sample.count + 3), (200, sample.count + 2)] {
            let lines = Self.screen(width: width, height: height).lines(tracker, at: T.at(5000))
            #expect(lines.count <= height)
            #expect(lines.allSatisfy { $0.text.count <= width }, "width \(width)")
            let rows = Self.tableRows(lines)
            if let last = lines.last, last.text.hasPrefix("...") {
                let number = last.text.split(whereSeparator: { !$0.isNumber }).first
                let hidden = try #require(number.flatMap { Int($0) }, "\(last.text)")
                #expect(rows.count + hidden == sample.count, "\(width)x\(height)")
                #expect(lines.count == height)
            } else {
                #expect(rows.count == sample.count, "\(width)x\(height)")
            }
        }
    }

    @Test func countsAreThoseOfTheSetInDiagramOrder() throws {
        let sample = try T.sample()
        let lines = Self.screen(width: 300, height: 50).lines(try Self.tracker([sample]), at: T.at(0))
        var expected = ["\(sample.count) sockets"]
        for state in TCPState.allCases {
            let count = sample.filter { $0.state == state }.count
            if count > 0 { expected.append("\(state.name) \(count)") }
        }
        #expect(lines[1].text == expected.joined(separator: "  "))
    }

    @Test func rowsKeepAStableOrderWhateverTheKernelOrder() throws {
        let sample = try T.sample()
        let forward = Self.screen(width: 300, height: 50).lines(try Self.tracker([sample]), at: T.at(0))
        let backward = Self.screen(width: 300, height: 50).lines(try Self.tracker([sample.reversed()]), at: T.at(0))
        #expect(forward == backward)
        var sorted = sample
        ConnectionOrder.state.sort(&sorted)
        let rows = Self.tableRows(forward)
        #expect(rows.count == sorted.count)
        for (row, c) in zip(rows, sorted) {
            #expect(row.hasPrefix("  " + stateName(kernel: c.kernelState) + " "), "\(row)")
            #expect(row.contains(SocketKey.text(c.local) + " "), "\(row)")
        }
    }

    @Test func newChangedAndGoneRowsAreMarked() throws {
        let sample = try T.sample()
        try #require(sample.count >= 3)
        var later = Array(sample.dropFirst(2))
        let changed = later[0]
        later[0] = T.with(changed, state: changed.kernelState == 8 ? 9 : 8)
        let appeared = sample[0], vanished = sample[1]
        later.append(appeared)
        // The second poll that lacks a socket closes it.
        var tracker = try Self.tracker([Array(sample.dropFirst()), later, later])
        let screen = Self.screen(width: 300, height: 60)
        let rows = Self.tableRows(screen.lines(tracker, at: T.at(2500)))
        let transition = stateName(kernel: changed.kernelState) + " -> " + stateName(kernel: later[0].kernelState)
        #expect(rows.filter { $0.hasPrefix("* " + transition + " ") }.count == 1, "\(rows)")
        #expect(rows.filter { $0.hasPrefix("+ ") && $0.contains(SocketKey.text(appeared.remote)) }.count >= 1)
        let goneRows = rows.filter { $0.hasPrefix("- ") }
        #expect(goneRows.count == 1 && goneRows[0].contains(SocketKey.text(vanished.local)), "\(rows)")
        // Gone rows show once; marks fade after the configured refreshes.
        for step in 3...(2 + tracker.markedRefreshes) { _ = try T.refresh(&tracker, later, at: Int64(step) * 1000) }
        let quiet = Self.tableRows(screen.lines(tracker, at: T.at(9000)))
        #expect(quiet.count == later.count)
        #expect(quiet.allSatisfy { $0.hasPrefix("  ") }, "\(quiet)")
    }

    @Test func transitionsPaneShowsTheLatestNewestLast() throws {
        let sample = try T.sample()
        let tracker = try Self.tracker([[], [sample[0]], [sample[0], sample[1]], [sample[1]], [sample[1]]])
        var screen = Self.screen(width: 300, height: 30)
        screen.maxTransitionRows = 2
        let lines = screen.lines(tracker, at: T.at(4000))
        let pane = try #require(lines.firstIndex { $0.text == "TRANSITIONS" })
        let entries = lines[(pane + 1)...].map(\.text)
        #expect(entries.count == 2)
        #expect(entries[0].contains(SocketKey.text(sample[1].local)) && entries[0].contains("- -> "))
        #expect(entries[1].contains(SocketKey.text(sample[0].local)) && entries[1].contains(" -> CLOSED"))
    }

    @Test func painterColoursOnlyWhenAsked() throws {
        let lines = Self.screen(width: 80, height: 20).lines(try Self.tracker([try T.sample()]), at: T.at(0))
        func paint(_ color: Bool) -> String {
            let writer = ByteWriter(threshold: .max) { _ in }
            ScreenPainter(usesColor: color).paint(lines, into: writer)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        let plain = paint(false), coloured = paint(true)
        #expect(!plain.contains("m"  + lines[0].text) && !plain.contains("\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[7m" + lines[0].text + "\u{1B}[0m"))
        #expect(plain.components(separatedBy: "\r\n").count == lines.count)
        #expect(plain.hasPrefix("\u{1B}[H") && plain.hasSuffix("\u{1B}[J"))
    }

    @Test func durationsAreShortWithALowerBoundMark() {
        let cases: [(Int64, String)] = [(0, "0ms"), (999, "999ms"), (1000, "1s"), (59_999, "59s"),
                                        (61_000, "1m01s"), (3_600_000, "1h00m"), (90_061_000, "1d01h")]
        for (ms, text) in cases { #expect(DurationText.format(milliseconds: ms) == text) }
        #expect(DurationText.format(milliseconds: 2500, isLowerBound: true) == ">2s")
    }
}
