import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// A failure while running, reported as one line and exit status 1.
struct RuntimeError: Error {
    let message: String
}

/// The process's standard streams.
enum Terminal {
    static func writeStandardOutput(_ bytes: UnsafeRawBufferPointer) throws {
        try write(fd: 1, bytes)
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

    /// `tcpstates: MESSAGE` on stderr.
    static func error(_ message: String) {
        try? write(fd: 2, Array("tcpstates: \(message)\n".utf8).withUnsafeBytes { Array($0) })
    }

    static func warning(_ message: String) {
        error(message)
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

/// Writes raw netlink replies to a file, back to back, as test fixtures.
final class CaptureFile {
    private var fd: Int32

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RuntimeError(message: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        _ = Glibc.write(fd, bytes.baseAddress, bytes.count)
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}
