import Glibc

/// A failure the peer reports as one line on stderr before exiting 1.
struct PeerError: Error, CustomStringConvertible {
    let description: String
    /// The failed system call's errno, where there was one.
    let systemError: Int32?

    init(_ message: String, errno: Int32? = nil) {
        description = message
        systemError = errno
    }

    /// An error for a failed system call, named by what was being done.
    static func system(_ what: String, errno code: Int32 = errno) -> PeerError {
        PeerError("\(what): \(String(cString: strerror(code)))", errno: code)
    }
}
