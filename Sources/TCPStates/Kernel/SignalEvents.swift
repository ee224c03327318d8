import CMNL
#if canImport(Glibc)
import Glibc
#endif

/// Signals turned into a readable file descriptor (signalfd), so that a loop
/// sees them in poll(2) beside its other descriptors and handles them outside
/// signal context: restore the terminal, remove a trace instance, redraw.
///
/// The signals are blocked on the calling thread so that they stay pending
/// for the descriptor instead of running their action; `close()` unblocks
/// those that were not blocked before, and any still pending then act as
/// usual. Threads inherit the mask at creation: make this before starting
/// threads, or a process-directed signal may reach one of them instead.
/// Each instance holds only its own set, so several may live side by side.
///
/// Ctrl-Z: take SIGTSTP and SIGCONT; on SIGTSTP put the terminal back and
/// call `stopProcess()`; the SIGCONT that resumes the process then arrives
/// here, and the screen is set up again.
///
/// One thread owns an instance: the one that made it calls `take()` and `close()`.
public final class SignalEvents {
    /// Readable while a signal of the set is pending; -1 once closed.
    public private(set) var fileDescriptor: Int32
    /// The signals this instance blocked (those of its set that were not blocked already).
    private var blockedHere = sigset_t()

    /// Blocks `numbers` on this thread and opens a non-blocking signalfd over them.
    public init(_ numbers: [Int32]) throws(SourceError) {
        var set = sigset_t()
        sigemptyset(&set)
        for number in numbers { sigaddset(&set, number) }
        var previous = sigset_t()
        guard pthread_sigmask(SIG_BLOCK, &set, &previous) == 0 else {
            throw SourceError("cannot block signals \(numbers)")
        }
        sigemptyset(&blockedHere)
        for number in numbers where sigismember(&previous, number) == 0 { sigaddset(&blockedHere, number) }
        let fd = signalfd(-1, &set, Int32(SFD_CLOEXEC | SFD_NONBLOCK))
        guard fd >= 0 else {
            let code = errno
            pthread_sigmask(SIG_UNBLOCK, &blockedHere, nil)
            throw SourceError.system("cannot create a signalfd", code)
        }
        fileDescriptor = fd
    }

    deinit { close() }

    /// The signals that arrived since the last call, in order of arrival per
    /// signal (standard signals pending twice are delivered once); empty
    /// when none is pending.
    public func take() -> [Int32] {
        guard fileDescriptor >= 0 else { return [] }
        var numbers: [Int32] = []
        var info = signalfd_siginfo()
        while true {
            let count = withUnsafeMutableBytes(of: &info) { read(fileDescriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count == MemoryLayout<signalfd_siginfo>.size else { break }
            numbers.append(Int32(bitPattern: info.ssi_signo))
        }
        return numbers
    }

    /// Closes the descriptor and unblocks the signals this instance blocked;
    /// the second call does nothing.
    public func close() {
        guard fileDescriptor >= 0 else { return }
        Glibc.close(fileDescriptor)
        fileDescriptor = -1
        pthread_sigmask(SIG_UNBLOCK, &blockedHere, nil)
    }

    /// Stops the whole process as Ctrl-Z would (SIGSTOP, which cannot be
    /// blocked or caught); returns once it is continued.
    public static func stopProcess() {
        kill(getpid(), SIGSTOP)
    }
}
