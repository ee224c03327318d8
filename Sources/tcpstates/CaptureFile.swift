#if canImport(Glibc)
import Glibc
#endif

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
