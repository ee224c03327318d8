import Testing
@testable import TCPStates

/// The line a trace prints at exit.
@Suite struct TraceSummaryTests {
    @Test func aQuietTraceSaysTheKernelLostNone() {
        #expect(TraceSummary().line == "0 transitions shown, 0 events read; the kernel lost none")
        var one = TraceSummary()
        one.shown = 1
        one.events = 1
        #expect(one.line == "1 transition shown, 1 event read; the kernel lost none")
    }

    @Test func lossesAndSameStateChangesAreNamed() {
        var summary = TraceSummary()
        summary.shown = 10
        summary.events = 12
        summary.overrun = 3
        summary.dropped = 1
        summary.sameState = 2
        #expect(summary.line == "10 transitions shown, 12 events read; the kernel lost 4 (overrun 3, dropped 1); "
            + "2 same-state changes (close() after shutdown()) not shown")
        summary.overrun = 0
        summary.dropped = 0
        summary.pagesAfterLoss = 1
        #expect(summary.line.contains("the kernel lost 0 (overrun 0, dropped 0)"), "a page marked lost events")
    }
}
