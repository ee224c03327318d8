/// JSON fragments shared by the snapshot document and the watch and trace
/// events, so that all describe a socket the same way.
extension ByteCursor {
    /// The most bytes `append(jsonEndpoint:)` writes.
    public static let maxJSONEndpointLength = 32 + maxAddressLength

    /// `{"address": "127.0.0.1", "port": 7000}`: the one writer of a JSON endpoint.
    @inline(__always)
    public mutating func append(jsonEndpoint e: Endpoint) {
        append("{\"address\": \"")
        append(address: e.address)
        append("\", \"port\": ")
        append(decimal: UInt64(e.port))
        append(UInt8(ascii: "}"))
    }
}

extension ByteWriter {
    /// `{"address": "127.0.0.1", "port": 7000}`.
    public func appendJSON(endpoint e: Endpoint) {
        write(atMost: ByteCursor.maxJSONEndpointLength) { $0.append(jsonEndpoint: e) }
    }

    /// `"family": "ipv4", ` up to the remote endpoint: the identity of a socket.
    func appendJSONIdentity(_ c: Connection) {
        append("\"family\": \"")
        append(c.family.name)
        append("\", \"local\": ")
        appendJSON(endpoint: c.local)
        append(", \"remote\": ")
        appendJSON(endpoint: c.remote)
    }
}
