import CMNL
#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking pipe that wakes a poll(2): reader threads `notify`, the
/// owner polls `fileDescriptor` and `drain`s it before taking what they
/// queued. Several readers may share one, so that the owner polls a single
/// descriptor however many there are (a destroy listener per namespace).
public final class WakePipe: Sendable {
    /// Becomes readable after a `notify`.
    public let fileDescriptor: Int32
    private let writeEnd: Int32

    public init() throws(SourceError) {
        var fds: [Int32] = [-1, -1]
        guard CMNL_pipe2(&fds, O_NONBLOCK | O_CLOEXEC) == 0 else { throw SourceError.system("cannot create a pipe", errno) }
        (fileDescriptor, writeEnd) = (fds[0], fds[1])
    }

    deinit {
        close(fileDescriptor)
        close(writeEnd)
    }

    /// One byte into the pipe; from any thread. A full pipe is awake already.
    public func notify() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe; from the owner's thread, before it takes what the
    /// readers queued, so that a wake-up for what comes after stays in it.
    public func drain() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while bytes.withUnsafeMutableBytes({ read(fileDescriptor, $0.baseAddress, $0.count) }) > 0 {}
    }
}
