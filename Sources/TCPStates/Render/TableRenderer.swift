/// Writes connections as an aligned table,
/// `STATE  RECV-Q  SEND-Q  LOCAL  REMOTE`, without holding the listing:
/// memory stays the same for ten sockets or a million.
///
/// The first `measuredRows` rows are held back. A listing that ends within
/// them gets columns as wide as their widest cell. A longer one is written
/// with columns as wide as any cell can be for the families listed (like
/// netstat's fixed columns, but never overflowing), so that every further
/// row can be written as it arrives and still line up.
public struct TableRenderer: ConnectionSink {
    /// Rows held back to measure before the table switches to fixed widths.
    public static let measuredRows = 1024

    struct Widths: Equatable {
        var state: Int
        var recvQueue: Int
        var sendQueue: Int
        var local: Int

        /// The header's own widths: the narrowest a table gets.
        static let header = Widths(state: 5, recvQueue: 6, sendQueue: 6, local: 5)

        /// Room for any row: `UNKNOWN(255)`, 10-digit queues, a full IPv6 endpoint
        /// (`[ffff:...:ffff]:65535`) or an IPv4 one (`255.255.255.255:65535`).
        static func fixed(ipv6: Bool) -> Widths {
            Widths(state: 12, recvQueue: 10, sendQueue: 10, local: ipv6 ? 47 : 21)
        }
    }

    private let writer: ByteWriter
    private let showsHeader: Bool
    private let listsIPv6: Bool
    private var held: [Connection] = []
    /// Set once rows are streamed with fixed widths.
    private var streamingWidths: Widths?

    /// A table for connections of `families`, which bound the address columns' width.
    public init(writer: ByteWriter, showsHeader: Bool = true, families: Set<AddressFamily> = [.ipv4, .ipv6]) {
        self.writer = writer
        self.showsHeader = showsHeader
        listsIPv6 = families.contains(.ipv6)
    }

    public mutating func begin(source: SourceKind) throws {}

    public mutating func add(_ connection: Connection) throws {
        if let widths = streamingWidths {
            writeRow(connection, widths)
            try writer.flushIfFull()
            return
        }
        guard held.count == Self.measuredRows else {
            held.append(connection)
            return
        }
        let widths = Widths.fixed(ipv6: listsIPv6)
        streamingWidths = widths
        try writeHeld(widths)
        held = []
        writeRow(connection, widths)
        try writer.flushIfFull()
    }

    /// Writes what is still held back, measured.
    public mutating func finish() throws {
        guard streamingWidths == nil else { return }
        var widths = Widths.header
        for c in held {
            widths.state = max(widths.state, stateText(c).count)
            widths.recvQueue = max(widths.recvQueue, decimalWidth(UInt64(c.recvQueue)))
            widths.sendQueue = max(widths.sendQueue, decimalWidth(UInt64(c.sendQueue)))
            widths.local = max(widths.local, Self.length(of: c.local))
        }
        try writeHeld(widths)
        held = []
    }

    private func writeHeld(_ widths: Widths) throws {
        if showsHeader { writeHeader(widths) }
        for connection in held {
            writeRow(connection, widths)
            try writer.flushIfFull()
        }
    }

    /// The most bytes one row takes.
    private static let maxRowLength = 12 + 2 + 10 + 2 + 10 + 2 + 2 * ByteCursor.maxEndpointLength + 2 + 1

    private func writeHeader(_ widths: Widths) {
        writer.write(atMost: Self.maxRowLength) { cursor in
            cursor.append("STATE")
            cursor.appendSpaces(widths.state - 5 + 2)
            cursor.appendSpaces(widths.recvQueue - 6)
            cursor.append("RECV-Q  ")
            cursor.appendSpaces(widths.sendQueue - 6)
            cursor.append("SEND-Q  LOCAL")
            cursor.appendSpaces(widths.local - 5 + 2)
            cursor.append("REMOTE\n")
        }
    }

    private func writeRow(_ c: Connection, _ widths: Widths) {
        writer.write(atMost: Self.maxRowLength) { cursor in
            let text = stateText(c)
            text.write(to: &cursor)
            cursor.appendSpaces(widths.state - text.count + 2)
            cursor.append(decimal: UInt64(c.recvQueue), rightAlignedIn: widths.recvQueue)
            cursor.appendSpaces(2)
            cursor.append(decimal: UInt64(c.sendQueue), rightAlignedIn: widths.sendQueue)
            cursor.appendSpaces(2)
            let localStart = cursor.position
            cursor.append(endpoint: c.local)
            cursor.appendSpaces(widths.local - (cursor.position - localStart) + 2)
            cursor.append(endpoint: c.remote)
            cursor.append(UInt8(ascii: "\n"))
        }
    }

    /// Bytes of an endpoint's text.
    static func length(of endpoint: Endpoint) -> Int {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ByteCursor.maxEndpointLength) { room in
            guard let base = room.baseAddress else { return 0 }
            var cursor = ByteCursor(base)
            cursor.append(endpoint: endpoint)
            return cursor.position - base
        }
    }
}

/// A state's name as the table writes it, without making a String per row.
struct StateText {
    let name: StaticString?
    let unknown: UInt8

    var count: Int { name?.utf8CodeUnitCount ?? 9 + decimalWidth(UInt64(unknown)) }

    /// The same as a String, for code that is not on a hot path.
    var string: String { name?.description ?? "UNKNOWN(\(unknown))" }

    func write(to cursor: inout ByteCursor) {
        if let name {
            cursor.append(name)
        } else {
            cursor.append("UNKNOWN(")
            cursor.append(decimal: UInt64(unknown))
            cursor.append(UInt8(ascii: ")"))
        }
    }
}

/// The state as printed: the diagram name, `UNKNOWN(n)`, or for UDP, which
/// has no states of its own, `UNCONN` (kernel TCP_CLOSE) as ss prints it.
func stateText(_ c: Connection) -> StateText {
    if c.transport == .udp, c.kernelState == KernelTCPState.close { return StateText(name: "UNCONN", unknown: 0) }
    guard let state = c.state else { return StateText(name: nil, unknown: c.kernelState) }
    return StateText(name: state.staticName, unknown: 0)
}
