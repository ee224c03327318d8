import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// The process's standard streams.
enum Terminal {
    static func writeStandardOutput(_ bytes: UnsafeRawBufferPointer) throws {
        try write(fd: 1, bytes)
    }

    static func writeStandardOutput(_ text: String) throws {
        try Array(text.utf8).withUnsafeBytes { try writeStandardOutput($0) }
    }

    /// Whether stdout is a pipe (whose reader may go away).
    static var standardOutputIsPipe: Bool {
        var info = stat()
        return fstat(1, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO
    }

    /// Thrown instead of exiting quietly when stdout's reader is gone, for
    /// callers that must clean up first.
    struct ClosedOutput: Error {}

    static func writeStandardOutputOrThrowWhenClosed(_ bytes: UnsafeRawBufferPointer) throws {
        try write(fd: 1, bytes, exitsOnClosedPipe: false)
    }

    /// Bytes on stderr as they are: what `kill` asks about, and its question.
    static func writeStandardError(_ bytes: UnsafeRawBufferPointer) throws {
        try write(fd: 2, bytes)
    }

    /// `tcpstates: MESSAGE` on stderr, one line: an error before its exit
    /// status, or a notice that leaves the status as it is (a fallback,
    /// what a source cannot fill, trace's count at exit). There is no
    /// separate warning: both read the same to the user.
    static func error(_ message: String) {
        try? write(fd: 2, Array("tcpstates: \(message)\n".utf8))
    }

    private static func write(fd: Int32, _ bytes: UnsafeRawBufferPointer, exitsOnClosedPipe: Bool = true) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE {
                    if exitsOnClosedPipe { exit(0) }
                    throw ClosedOutput()
                }
                throw RuntimeError(message: "cannot write output: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    private static func write(fd: Int32, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write(fd: fd, $0) }
    }
}
