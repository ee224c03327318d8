/// A filter argument that cannot be understood; the message says why and
/// what would be accepted.
public struct FilterError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
