/// Writes the listing as one JSON document, one connection at a time, so
/// that no tree of the whole listing is ever built:
/// `{"source": "netlink", "connections": [ {...}, ... ]}`.
public struct JSONRenderer: ConnectionSink {
    private let writer: ByteWriter
    private var count = 0
    /// Appends `, "key": value` members after the standard ones (owners, timer, tcp_info).
    public var extraMembers: ((Connection, ByteWriter) -> Void)?

    public init(writer: ByteWriter) { self.writer = writer }

    public mutating func begin(source: SourceKind) throws {
        writer.append("{\"source\": \"")
        writer.append(source.rawValue)
        writer.append("\", \"connections\": [")
    }

    /// Room for one connection's object: about 330 bytes with the longest
    /// names, numbers and addresses. Only an estimate: the cursor grows the
    /// buffer for an object that does not fit.
    private static let expectedObjectLength = 512 + 2 * ByteCursor.maxAddressLength

    public mutating func add(_ c: Connection) throws {
        let first = count == 0
        count += 1
        writer.write(atMost: Self.expectedObjectLength) { cursor in
            cursor.append(first ? "\n" : ",\n")
            cursor.append(c.transport == .tcp ? "{\"protocol\": \"tcp\", " : "{\"protocol\": \"udp\", ")
            cursor.append(c.family == .ipv4 ? "\"family\": \"ipv4\", \"state\": \"" : "\"family\": \"ipv6\", \"state\": \"")
            stateText(c).write(to: &cursor)
            cursor.append("\", \"kernel_state\": ")
            cursor.append(decimal: UInt64(c.kernelState))
            cursor.append(", \"local\": ")
            cursor.append(jsonEndpoint: c.local)
            cursor.append(", \"remote\": ")
            cursor.append(jsonEndpoint: c.remote)
            cursor.append(", \"recv_q\": ")
            cursor.append(decimal: UInt64(c.recvQueue))
            cursor.append(", \"send_q\": ")
            cursor.append(decimal: UInt64(c.sendQueue))
            cursor.append(", \"uid\": ")
            cursor.append(decimal: UInt64(c.uid))
            cursor.append(", \"inode\": ")
            cursor.append(decimal: c.inode)
        }
        extraMembers?(c, writer)
        writer.append(UInt8(ascii: "}"))
        try writer.flushIfFull()
    }

    /// Closes the document.
    public mutating func finish() throws {
        writer.append(count == 0 ? "]}\n" : "\n]}\n")
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
