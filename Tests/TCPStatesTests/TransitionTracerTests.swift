import Testing
@testable import TCPStates

/// Ring-buffer pages served as a tracefs instance would: each CPU's pages
/// once, in order, then nothing (a non-blocking read with no data).
final class CapturedPages: TracePageSource {
    var pages: [[[UInt8]]]
    let pageSize: Int

    init(_ pages: [[[UInt8]]], pageSize: Int = 4096) {
        self.pages = pages
        self.pageSize = pageSize
    }

    var cpuCount: Int { pages.count }

    func readPage(cpu: Int, into buffer: UnsafeMutableRawBufferPointer) throws(TraceError) -> Int {
        guard !pages[cpu].isEmpty else { return 0 }
        let page = pages[cpu].removeFirst()
        let count = min(page.count, buffer.count)
        page.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
        return count
    }
}

/// The tracer as the trace loop drives it, one step at a time, over the
/// captured trace_pipe_raw page (24 changes: a listener, and one connection
/// each over IPv4 and IPv6, closed by the client).
@Suite struct TransitionTracerTests {
    static let wallClockOffset: UInt64 = 1_764_095_000_000_000_000

    static func tracer(
        _ pages: [[[UInt8]]], filter: ConnectionFilter = .everyState, locator: SocketLocating = FakeLocator()
    ) throws -> TransitionTracer {
        let format = try TraceEventFormat(parsing: try Fixture.text("trace/format"))
        return try TransitionTracer(source: CapturedPages(pages), format: format, filter: filter,
                                    tasks: TaskNames(readStat: { _ in nil }), wallClockOffset: wallClockOffset,
                                    locator: locator)
    }

    static func page() throws -> [UInt8] { try Fixture.bytes("trace/trace_pipe_raw-cpu1.bin") }

    @Test func aStepShowsEveryChangeReadyNowAndTheNextStepNothing() throws {
        let changes = try TraceDecodingTests.decodedCapture()
        let tracer = try Self.tracer([[], [try Self.page()]])
        let first = try tracer.step(now: 0)
        #expect(first.pages == 1)
        #expect(tracer.events == changes.count)
        #expect(first.transitions.map(\.time) == changes.map { $0.timestamp + Self.wallClockOffset })
        #expect(first.transitions.map { [$0.previousState, $0.state] } == changes.map { [$0.oldState, $0.newState] })
        let second = try tracer.step(now: 0)
        #expect(second == TraceStep())
        #expect(tracer.events == changes.count)
    }

    @Test func changesFromSeveralCPUsComeOutInTimeOrder() throws {
        let page = try Self.page()
        let tracer = try Self.tracer([[page], [page]])
        let step = try tracer.step(now: 0)
        #expect(step.pages == 2)
        #expect(step.transitions.count == 2 * (try TraceDecodingTests.decodedCapture().count))
        #expect(step.transitions.map(\.time) == step.transitions.map(\.time).sorted())
    }

    @Test func timeInStateIsCarriedFromStepToStep() throws {
        // The same socket object's changes split over two steps still give its time in state.
        let changes = try TraceDecodingTests.decodedCapture()
        let tracer = try Self.tracer([[]])
        let split = 5
        for change in changes.prefix(split) { _ = tracer.transition(for: change) }
        let later = changes.dropFirst(split).compactMap { tracer.transition(for: $0) }
        let whole = try Self.tracer([[]])
        let expected = changes.compactMap { whole.transition(for: $0) }.dropFirst(split)
        #expect(later.map(\.stateNanoseconds) == expected.map(\.stateNanoseconds))
        #expect(later.contains { $0.stateNanoseconds != nil })
    }

    @Test func anOrphanInFinWait2IsShownWhenItsCheckIsDue() throws {
        // sock_diag finds the clients' minisocks in FIN_WAIT_2 at first, in TIME_WAIT after.
        let locator = FakeLocator(only: FakeLocator.host)
        let clients = try TraceDecodingTests.decodedCapture().filter { $0.oldState == KernelTCPState.finWait2 }
        try #require(clients.count == 2)
        for client in clients { locator.place(client.local, client.remote, in: FakeLocator.host, state: KernelTCPState.finWait2) }
        let tracer = try Self.tracer([[try Self.page()]], locator: locator)
        let first = try tracer.step(now: 0)
        let closes = first.transitions.filter { $0.previousState == KernelTCPState.finWait2 }
        #expect(closes.isEmpty, "followed, not shown yet: \(closes)")
        let due = try #require(tracer.nextCheck)
        locator.sockets = [:]
        for client in clients { locator.place(client.local, client.remote, in: FakeLocator.host, state: KernelTCPState.timeWait) }
        #expect(try tracer.step(now: due - 1).transitions.isEmpty)
        let later = try tracer.step(now: due)
        #expect(later.pages == 0)
        #expect(later.transitions.count == 2, "the IPv4 and the IPv6 client")
        #expect(later.transitions.allSatisfy { $0.previousState == KernelTCPState.finWait2 && $0.state == KernelTCPState.timeWait })
        #expect(tracer.nextCheck == nil)
        #expect(locator.refreshes == [0, due - 1, due], "each step lets the locator refresh its namespaces")
    }

    @Test func userSpaceFiltersLeaveOtherPortsOut() throws {
        var filter = ConnectionFilter.everyState
        filter.ports = try PortRanges(parsing: "9124")
        let step = try Self.tracer([[try Self.page()]], filter: filter).step(now: 0)
        #expect(!step.transitions.isEmpty)
        #expect(step.transitions.allSatisfy { $0.local.port == 9124 || $0.remote.port == 9124 })
        #expect(step.transitions.allSatisfy { $0.family == .ipv6 })
    }

    @Test func aPageWhoseLengthsDoNotAddUpIsAnError() throws {
        var page = try Self.page()
        page[8] = 0xff  // commit: more data than the page holds
        page[9] = 0xff
        let tracer = try Self.tracer([[page]])
        #expect(throws: TraceError.self) { try tracer.step(now: 0) }
    }
}

extension ConnectionFilter {
    /// No filter, every arrow shown (what `trace` without --state uses).
    static var everyState: ConnectionFilter {
        var filter = ConnectionFilter()
        filter.states = .all
        return filter
    }
}

extension TransitionTracerTests {
    @Test func aSameStateChangeIsCountedNotShownAndKeepsTheClock() throws {
        // The captured client: ESTABLISHED -> FIN_WAIT1 -> FIN_WAIT2; a close()
        // in FIN_WAIT1 (after shutdown()) makes the kernel set FIN_WAIT1 again.
        let changes = try TraceDecodingTests.decodedCapture()
        let intoFinWait1 = try #require(changes.firstIndex { $0.newState == KernelTCPState.finWait1 })
        let outOfFinWait1 = try #require(changes.firstIndex { $0.oldState == KernelTCPState.finWait1 && $0.socket == changes[intoFinWait1].socket })
        var again = changes[intoFinWait1]
        again.oldState = KernelTCPState.finWait1
        again.timestamp += (changes[outOfFinWait1].timestamp - again.timestamp) / 2
        var withClose = changes
        withClose.insert(again, at: intoFinWait1 + 1)

        let tracer = try Self.tracer([[]])
        let shown = withClose.compactMap { tracer.transition(for: $0) }
        #expect(shown.count == changes.count)
        #expect(tracer.sameStateChanges == 1)
        #expect(shown.allSatisfy { $0.previousState != $0.state })
        let leaving = try #require(shown.first { $0.previousState == KernelTCPState.finWait1 && $0.local == again.local })
        #expect(leaving.stateNanoseconds == changes[outOfFinWait1].timestamp - changes[intoFinWait1].timestamp)
    }

    @Test func aSameStateChangeOutsideTheFiltersIsNotCounted() throws {
        var change = try #require(try TraceDecodingTests.decodedCapture().first { $0.newState == KernelTCPState.finWait1 })
        change.oldState = change.newState
        var filter = ConnectionFilter.everyState
        filter.ports = try PortRanges(parsing: "1")
        let tracer = try Self.tracer([[]], filter: filter)
        #expect(tracer.transition(for: change) == nil)
        #expect(tracer.sameStateChanges == 0)
    }
}
