/// JSON fragments shared by the snapshot document and the watch events, so
/// that both describe a socket the same way.
extension ByteWriter {
    /// `{"address": "127.0.0.1", "port": 7000}`.
    public func appendJSON(endpoint e: Endpoint) {
        append("{\"address\": \"")
        append(address: e.address)
        append("\", \"port\": ")
        append(decimal: UInt64(e.port))
        append(UInt8(ascii: "}"))
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
