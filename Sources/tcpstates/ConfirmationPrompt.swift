#if canImport(Glibc)
import Glibc
#endif

/// A yes/no question on the terminal: asked on stderr, so that stdout keeps
/// only the report, and answered on stdin.
enum ConfirmationPrompt {
    /// Writes `bytes` to stderr.
    static func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw RuntimeError(message: "cannot ask on stderr: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Asks `question [y/N]` and reads one line: true for y or yes (any
    /// case), false for anything else, an empty line or end of input.
    static func ask(_ question: String) throws -> Bool {
        try Array("\(question) [y/N] ".utf8).withUnsafeBytes { try write($0) }
        guard let answer = readLine(strippingNewline: true) else { return false }
        let word = answer.filter { !$0.isWhitespace }.lowercased()
        return word == "y" || word == "yes"
    }
}
