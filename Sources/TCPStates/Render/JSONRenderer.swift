/// Writes the listing as one JSON document, one connection at a time, so
/// that no tree of the whole listing is ever built:
/// `{"source": "netlink", "connections": [ {...}, ... ]}`.
public struct JSONRenderer: ConnectionSink {
    private let writer: ByteWriter
    private var count = 0

    public init(writer: ByteWriter) { self.writer = writer }

    public mutating func begin(source: SourceKind) throws {
        writer.append("{\"source\": \"")
        writer.append(source.rawValue)
        writer.append("\", \"connections\": [")
    }

    public mutating func add(_ c: Connection) throws {
        writer.append(count == 0 ? "\n" : ",\n")
        count += 1
        writer.append("{\"family\": \"")
        writer.append(c.family.name)
        writer.append("\", \"state\": \"")
        if let state = c.state { writer.append(state.name) } else { writer.append(stateName(kernel: c.kernelState)) }
        writer.append("\", \"kernel_state\": ")
        writer.append(decimal: UInt64(c.kernelState))
        writer.append(", \"local\": ")
        writer.append(jsonEndpoint: c.local)
        writer.append(", \"remote\": ")
        writer.append(jsonEndpoint: c.remote)
        writer.append(", \"recv_q\": ")
        writer.append(decimal: UInt64(c.recvQueue))
        writer.append(", \"send_q\": ")
        writer.append(decimal: UInt64(c.sendQueue))
        writer.append(", \"uid\": ")
        writer.append(decimal: UInt64(c.uid))
        writer.append(", \"inode\": ")
        writer.append(decimal: c.inode)
        writer.append(UInt8(ascii: "}"))
        try writer.flushIfFull()
    }

    /// Closes the document.
    public mutating func finish() throws {
        writer.append(count == 0 ? "]}\n" : "\n]}\n")
    }
}

extension ByteWriter {
    /// An endpoint as a JSON object: `{"address": "127.0.0.1", "port": 7000}`.
    public func append(jsonEndpoint e: Endpoint) {
        append("{\"address\": \"")
        append(address: e.address)
        append("\", \"port\": ")
        append(decimal: UInt64(e.port))
        append(UInt8(ascii: "}"))
    }
}

/// Collects a listing, for renderers that need all of it (table, sorting).
public struct ConnectionCollector: ConnectionSink {
    public private(set) var source: SourceKind?
    public var connections: [Connection] = []

    public init() {}

    public mutating func begin(source: SourceKind) throws { self.source = source }
    public mutating func add(_ connection: Connection) throws { connections.append(connection) }
}
