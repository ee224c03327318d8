#if canImport(Glibc)
import Glibc
#endif

/// Reads /proc/net/tcp or tcp6 (or a copy of them) in chunks and hands each
/// line to the parser: the only code that reads these files.
public enum ProcNetFile {
    /// A line the parser rejected: which file, which line, why.
    public struct Malformed: Sendable {
        public let path: String
        public let line: Int
        public let reason: String
    }

    /// Reads `path` and calls `body` for each socket; `malformed` for each line skipped.
    public static func read(
        path: String, family: AddressFamily,
        malformed: (Malformed) -> Void,
        _ body: (Connection) throws -> Void
    ) throws {
        let input = try ReadAheadFile(path: path)
        defer { input.close() }
        try read(input, family: family, malformed: malformed, body)
    }

    /// Reads a file already being read ahead, as `read(path:...)`.
    public static func read(
        _ input: ReadAheadFile, family: AddressFamily,
        malformed: (Malformed) -> Void,
        _ body: (Connection) throws -> Void
    ) throws {
        let path = input.path
        var buffer = [UInt8](repeating: 0, count: 128 * 1024)
        var carried = 0     // bytes of an unfinished line kept at the start of buffer
        var lineNumber = 0
        while true {
            if carried == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
            let count = buffer.withUnsafeMutableBytes { raw in
                input.read(into: raw.baseAddress! + carried, count: raw.count - carried)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw SourceError.system("cannot read \(path)", errno)
            }
            let end = carried + count
            let atEnd = count == 0
            let consumed = try buffer.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                var start = 0
                // memchr finds the newlines: a byte loop here was a quarter of the user time.
                while start < end, let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), end - start) {
                    let index = base.distance(to: UnsafeRawPointer(newline))
                    lineNumber += 1
                    try handle(UnsafeRawBufferPointer(start: base + start, count: index - start))
                    start = index + 1
                }
                if atEnd, start < end {
                    lineNumber += 1
                    try handle(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                    start = end
                }
                return start
            }
            if atEnd { return }
            carried = end - consumed
            if carried > 0, consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + consumed, carried)
                }
            }
        }

        func handle(_ line: UnsafeRawBufferPointer) throws {
            let connection: Connection?
            do {
                connection = try ProcNetTCPParser.parse(line: line, family: family)
            } catch {
                malformed(Malformed(path: path, line: lineNumber, reason: error.reason))
                return
            }
            if let connection { try body(connection) }
        }
    }
}
