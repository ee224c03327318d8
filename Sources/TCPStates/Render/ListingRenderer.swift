/// A sink that writes the listing out and must be finished after the last connection.
public protocol ListingRenderer: ConnectionSink {
    /// Writes what closes the listing (and whatever is still held back).
    mutating func finish() throws
}

extension JSONRenderer: ListingRenderer {}
extension TableRenderer: ListingRenderer {}
