/// Writes connections as an aligned table,
/// `STATE  RECV-Q  SEND-Q  LOCAL  REMOTE`, without holding the listing:
/// memory stays the same for ten sockets or a million.
///
/// The first `measuredRows` rows are held back. A listing that ends within
/// them gets columns as wide as their widest cell. A longer one is streamed
/// with widths that are the sample's, raised to a bound that the rest of the
/// listing stays within (`Widths.streaming`): as narrow as `ss -tan` for an
/// IPv4 listing of any length. A later cell wider than its bound (an IPv6
/// socket after a sample of IPv4 ones, a queue past 9,999,999 bytes) is
/// written whole and shifts the rest of its own line; no value is ever cut.
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

        /// The widest cell that the rest of a listing can have, given the
        /// widths a sample measured (`sample`) and whether it held IPv6:
        /// - STATE: the longest diagram name (`ESTABLISHED`);
        /// - queues: 7 digits. The kernel caps a queue at the socket's buffer,
        ///   whose default ceilings (tcp_rmem 6 MiB, tcp_wmem 4 MiB, somaxconn
        ///   4096 for a listener) all have 7 digits or fewer;
        /// - LOCAL: `255.255.255.255:65535`, or `[` a full IPv6 address `]:65535`
        ///   when the families asked for or the sample include IPv6.
        static func streaming(sample: Widths, ipv6: Bool) -> Widths {
            Widths(state: max(sample.state, 11), recvQueue: max(sample.recvQueue, 7),
                   sendQueue: max(sample.sendQueue, 7), local: max(sample.local, ipv6 ? 47 : 21))
        }
    }

    private let writer: ByteWriter
    private let showsHeader: Bool
    private let listsIPv6: Bool
    private var held: [Connection] = []
    /// Set once rows are streamed with fixed widths.
    private var streaming: Widths?

    /// A table for connections of `families`, which bound the address columns' width.
    public init(writer: ByteWriter, showsHeader: Bool = true, families: Set<AddressFamily> = [.ipv4, .ipv6]) {
        self.writer = writer
        self.showsHeader = showsHeader
        listsIPv6 = families.contains(.ipv6)
    }

    public mutating func begin(source: SourceKind) throws {}

    public mutating func add(_ connection: Connection) throws {
        if let widths = streaming {
            Self.writeRow(connection, widths, to: writer)
            try writer.flushIfFull()
            return
        }
        guard held.count == Self.measuredRows else {
            held.append(connection)
            return
        }
        let sample = Self.measure(held)
        let widths = Widths.streaming(sample: sample, ipv6: listsIPv6 && held.contains { $0.family == .ipv6 })
        streaming = widths
        try writeHeld(widths)
        held = []
        Self.writeRow(connection, widths, to: writer)
        try writer.flushIfFull()
    }

    /// Writes what is still held back, measured.
    public mutating func finish() throws {
        guard streaming == nil else { return }
        try writeHeld(Self.measure(held))
        held = []
    }

    static func measure(_ connections: [Connection]) -> Widths {
        var widths = Widths.header
        for c in connections {
            widths.state = max(widths.state, stateText(c).count)
            widths.recvQueue = max(widths.recvQueue, decimalWidth(UInt64(c.recvQueue)))
            widths.sendQueue = max(widths.sendQueue, decimalWidth(UInt64(c.sendQueue)))
            widths.local = max(widths.local, Self.length(of: c.local))
        }
        return widths
    }

    static func aligner(_ widths: Widths) -> TableAligner {
        TableAligner([
            .init(header: "STATE", width: widths.state),
            .init(header: "RECV-Q", alignsRight: true, width: widths.recvQueue),
            .init(header: "SEND-Q", alignsRight: true, width: widths.sendQueue),
            .init(header: "LOCAL", width: widths.local),
            .init(header: "REMOTE"),
        ])
    }

    private func writeHeld(_ widths: Widths) throws {
        if showsHeader { Self.aligner(widths).writeHeader(to: writer) }
        for connection in held {
            Self.writeRow(connection, widths, to: writer)
            try writer.flushIfFull()
        }
    }

    /// Room for a row whose cells fit their columns (a wider one makes the writer grow).
    private static let expectedRowLength = 12 + 2 + 10 + 2 + 10 + 2 + 2 * ByteCursor.maxEndpointLength + 2 + 1

    /// One row through the aligner's rule, with the columns of `aligner(_:)`
    /// given as constants (STATE, LOCAL, REMOTE left; the queues right).
    @inline(__always)
    private static func writeRow(_ c: Connection, _ widths: Widths, to writer: ByteWriter) {
        writer.write(atMost: expectedRowLength) { cursor in
            let state = stateText(c)
            let (recv, send) = (UInt64(c.recvQueue), UInt64(c.sendQueue))
            TableAligner.cell(&cursor, width: state.count, columnWidth: widths.state, isLast: false) { state.write(to: &$0) }
            TableAligner.cell(&cursor, width: decimalWidth(recv), columnWidth: widths.recvQueue, alignsRight: true,
                              isLast: false) { $0.append(decimal: recv) }
            TableAligner.cell(&cursor, width: decimalWidth(send), columnWidth: widths.sendQueue, alignsRight: true,
                              isLast: false) { $0.append(decimal: send) }
            TableAligner.cell(&cursor, columnWidth: widths.local, isLast: false) { $0.append(endpoint: c.local) }
            cursor.append(endpoint: c.remote)
            cursor.append(UInt8(ascii: "\n"))
        }
    }

    /// Bytes of an endpoint's text.
    static func length(of endpoint: Endpoint) -> Int {
        // Each field reserves its most before writing (20 bytes for the port's
        // digits), so the room is the longest text plus the largest reservation.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ByteCursor.maxEndpointLength + 20) { room in
            guard let base = room.baseAddress else { return 0 }
            var cursor = ByteCursor(base: base, end: base + room.count, writer: nil)
            cursor.append(endpoint: endpoint)
            return cursor.written
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
