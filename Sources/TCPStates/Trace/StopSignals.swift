import CMNL
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP turned into a readable file descriptor
/// (signalfd): instead of killing the process, they wake the trace loop,
/// which then removes its tracefs instance before exiting.
public final class StopSignals {
    /// Becomes readable when one of the signals arrives.
    public let fileDescriptor: Int32

    public init() throws(TraceError) {
        var set = sigset_t()
        sigemptyset(&set)
        for number in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, number) }
        // Blocked, the signals stay pending for the signalfd instead of running their default action.
        sigprocmask(SIG_BLOCK, &set, nil)
        let fd = signalfd(-1, &set, Int32(SFD_CLOEXEC | SFD_NONBLOCK))
        guard fd >= 0 else { throw TraceError.system("cannot create a signalfd", errno) }
        fileDescriptor = fd
    }

    deinit { close(fileDescriptor) }
}
