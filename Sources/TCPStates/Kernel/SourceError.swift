#if canImport(Glibc)
import Glibc
#endif

/// A source that could not deliver: the message names what failed and why.
public struct SourceError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// The errno behind it, where there is one.
    public let errno: Int32?

    public init(_ message: String, errno: Int32? = nil) {
        self.message = message
        self.errno = errno
    }

    /// `what: strerror(code)`.
    public static func system(_ what: String, _ code: Int32) -> SourceError {
        SourceError("\(what): \(String(cString: strerror(code)))", errno: code)
    }

    public var description: String { message }
}
