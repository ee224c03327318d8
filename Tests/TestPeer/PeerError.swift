import Glibc

/// A failure the peer reports as one line on stderr before exiting 1.
struct PeerError: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) { description = message }

    /// An error for a failed system call, named by what was being done.
    static func system(_ what: String, errno code: Int32 = errno) -> PeerError {
        PeerError("\(what): \(String(cString: strerror(code)))")
    }
}
