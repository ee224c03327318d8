import Testing
@testable import TCPStates

/// Keys of the watch screen and the scrolling they drive.
@Suite struct WatchKeyTests {
    typealias T = WatchTrackerTests

    @Test func keysAndEscapeSequencesOfCommonTerminals() {
        // xterm in normal and application cursor mode, the vt220/screen forms of Home, End, PgUp, PgDn.
        let bytes = Array("q \u{03}\u{1A}jkgG\u{1B}[A\u{1B}[B\u{1B}OA\u{1B}OB\u{1B}[5~\u{1B}[6~\u{1B}[H\u{1B}[F\u{1B}[1~\u{1B}[4~\u{1B}OH\u{1B}OF".utf8)
        #expect(WatchKey.decode(bytes) == [.quit, .togglePause, .quit, .suspend, .down, .up, .top, .bottom, .up, .down, .up, .down,
                                           .pageUp, .pageDown, .top, .bottom, .top, .bottom, .top, .bottom])
    }

    @Test func unknownAndUnfinishedSequencesAreSkipped() {
        #expect(WatchKey.decode(Array("x\u{1B}[2~\u{1B}[1;5C\u{1B}".utf8)).isEmpty)
        #expect(WatchKey.decode(Array("\u{1B}[5".utf8)).isEmpty)
        #expect(WatchKey.decode(Array("\u{1B}q".utf8)) == [.quit])
    }

    @Test func scrollingShowsTheRowsBelowAndStaysInRange() throws {
        let sample = try T.sample()
        var tracker = SocketTracker()
        _ = try T.refresh(&tracker, sample, at: 0)
        var screen = WatchScreen(width: 200, height: 7, title: "t")
        var sorted = sample
        ConnectionOrder.state.sort(&sorted)
        let local = { (lines: [ScreenLine]) in WatchScreenTests.tableRows(lines).map { $0.split(separator: " ")[3] } }
        let visible = WatchScreenTests.tableRows(screen.lines(tracker, at: T.at(0))).count
        try #require(visible >= 1 && visible < sorted.count)

        screen.scroll(.down, in: tracker)
        let down = screen.lines(tracker, at: T.at(0))
        #expect(local(down).count == visible)
        #expect(local(down).first.map(String.init) == SocketKey.text(sorted[1].local))
        #expect(down.last?.text == "... and \(sorted.count - visible) more (1 above, \(sorted.count - visible - 1) below)")

        screen.scroll(.bottom, in: tracker)
        let bottom = screen.lines(tracker, at: T.at(0))
        #expect(local(bottom).last.map(String.init) == SocketKey.text(sorted.last!.local))
        screen.scroll(.pageDown, in: tracker)
        #expect(screen.lines(tracker, at: T.at(0)) == bottom, "scrolling past the end stays at the end")

        screen.scroll(.top, in: tracker)
        screen.scroll(.up, in: tracker)
        #expect(screen.firstRow == 0)
        #expect(local(screen.lines(tracker, at: T.at(0))).first.map(String.init) == SocketKey.text(sorted[0].local))
    }
}
