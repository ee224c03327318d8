#if canImport(Glibc)
import Glibc
#endif

/// The write end of the self-pipe: the one thing a signal handler touches.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// Turns signals into bytes on a pipe, so that the watch loop sees them in
/// poll(2) with everything else and handles them outside signal context.
final class SignalPipe {
    /// The descriptor to poll; each readable byte is a signal number.
    let readEnd: Int32
    private let numbers: [Int32]

    init(_ numbers: [Int32]) throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw RuntimeError(message: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        readEnd = fds[0]
        signalPipeWriteEnd = fds[1]
        self.numbers = numbers
        for number in numbers {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                let saved = errno
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWriteEnd, &byte, 1)
                errno = saved
            }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
        }
    }

    /// The signals that arrived since the last call.
    func take() -> [Int32] {
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = bytes.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
        return count > 0 ? bytes[..<count].map { Int32($0) } : []
    }

    private var closed = false

    /// Default dispositions back; the second call does nothing.
    func close() {
        guard !closed else { return }
        closed = true
        for number in numbers { signal(number, SIG_DFL) }
        Glibc.close(readEnd)
        Glibc.close(signalPipeWriteEnd)
        signalPipeWriteEnd = -1
    }
}
