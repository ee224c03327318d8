// /proc/net/tcp, tcp6, udp and udp6 text (one parser reads all four), read
// the way the /proc source reads it: through ReadAheadFile and ProcNetFile's
// line splitting. Seeds: Tests/TCPStatesTests/Fixtures/proc-net-*.txt.
import Glibc
import TCPStates

/// One file per fuzzing process, rewritten for each input.
let inputPath = "/tmp/tcpstates-fuzz-procnet-\(getpid())"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProcNetText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let fd = open(inputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(fd >= 0, "cannot write \(inputPath)")
    if let data { precondition(write(fd, data, size) == size) }
    close(fd)
    defer { unlink(inputPath) }
    let lines = UnsafeBufferPointer(start: data, count: size).reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    for family in [AddressFamily.ipv4, .ipv6] {
        var sockets = 0
        var skipped = 0
        do {
            try ProcNetFile.read(path: inputPath, family: family, malformed: { _ in skipped += 1 }) { connection in
                precondition(connection.family == family, "a \(family) file gave a \(connection.family) socket")
                sockets += 1
            }
        } catch {
            preconditionFailure("reading a regular file failed: \(error)")
        }
        precondition(sockets + skipped <= lines, "\(sockets) sockets and \(skipped) skipped from \(lines) lines")
    }
    return 0
}
