import Testing
@testable import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// Signals become readable events on a pollable descriptor, and the thread's
/// mask is put back when the events are closed. `raise` sends to the calling
/// thread, whose mask is the one changed, so these tests do not touch the
/// other threads the test runner uses. Those threads may start with signals
/// blocked (libdispatch's workers do), so each test unblocks its own first.
@Suite struct SignalEventsTests {
    /// Runs `body` with `numbers` unblocked on this thread, then puts the mask back.
    static func withUnblocked(_ numbers: [Int32], _ body: () throws -> Void) rethrows {
        var set = sigset_t()
        sigemptyset(&set)
        for number in numbers { sigaddset(&set, number) }
        var previous = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &set, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try body()
    }

    static func blocked(_ number: Int32) -> Bool {
        var mask = sigset_t()
        pthread_sigmask(SIG_BLOCK, nil, &mask)
        return sigismember(&mask, number) == 1
    }

    static func readable(_ fd: Int32) -> Bool {
        var polled = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        return poll(&polled, 1, 0) == 1 && polled[0].revents & Int16(POLLIN) != 0
    }

    @Test func aRaisedSignalIsReadableAndTakenOnce() throws {
        try Self.withUnblocked([SIGUSR1, SIGUSR2]) {
            let events = try SignalEvents([SIGUSR1, SIGUSR2])
            defer { events.close() }
            #expect(!Self.readable(events.fileDescriptor))
            #expect(events.take() == [])
            raise(SIGUSR2)
            #expect(Self.readable(events.fileDescriptor))
            #expect(events.take() == [SIGUSR2])
            #expect(events.take() == [])
            #expect(!Self.readable(events.fileDescriptor))
        }
    }

    @Test func severalPendingSignalsComeInOneTake() throws {
        try Self.withUnblocked([SIGUSR1, SIGWINCH]) {
            let events = try SignalEvents([SIGUSR1, SIGUSR2, SIGWINCH])
            defer { events.close() }
            raise(SIGWINCH)
            raise(SIGUSR1)
            #expect(events.take().sorted() == [SIGUSR1, SIGWINCH].sorted())
        }
    }

    @Test func closeUnblocksWhatItBlockedAndNothingElse() throws {
        try Self.withUnblocked([SIGUSR1, SIGUSR2]) {
            // SIGUSR2 blocked beforehand by someone else must stay blocked.
            var outer = sigset_t()
            sigemptyset(&outer)
            sigaddset(&outer, SIGUSR2)
            pthread_sigmask(SIG_BLOCK, &outer, nil)
            #expect(!Self.blocked(SIGUSR1))

            let events = try SignalEvents([SIGUSR1, SIGUSR2])
            #expect(Self.blocked(SIGUSR1))
            events.close()
            #expect(events.fileDescriptor == -1)
            #expect(!Self.blocked(SIGUSR1))
            #expect(Self.blocked(SIGUSR2))
            events.close()  // the second call does nothing
            #expect(Self.blocked(SIGUSR2))
        }
    }

    @Test func twoInstancesKeepTheirOwnSignals() throws {
        try Self.withUnblocked([SIGUSR1, SIGUSR2]) {
            let first = try SignalEvents([SIGUSR1])
            let second = try SignalEvents([SIGUSR2])
            defer {
                first.close()
                second.close()
            }
            raise(SIGUSR1)
            raise(SIGUSR2)
            #expect(first.take() == [SIGUSR1])
            #expect(second.take() == [SIGUSR2])
            // Closing the first leaves the second's signal blocked and delivered to it.
            first.close()
            #expect(!Self.blocked(SIGUSR1))
            #expect(Self.blocked(SIGUSR2))
            raise(SIGUSR2)
            #expect(second.take() == [SIGUSR2])
        }
    }

    @Test func aClosedInstanceTakesNothing() throws {
        try Self.withUnblocked([SIGUSR1]) {
            let events = try SignalEvents([SIGUSR1])
            events.close()
            #expect(events.take() == [])
            #expect(!Self.readable(events.fileDescriptor))
        }
    }
}
