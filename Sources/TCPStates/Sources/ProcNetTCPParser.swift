/// Parses the lines of /proc/net/tcp and /proc/net/tcp6: pure, from bytes to
/// connections.
///
/// `sl local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...`
/// Addresses are hex, each 32-bit word printed as the host reads it; ports
/// and the state are hex too.
public enum ProcNetTCPParser {
    /// Parses one line (without its newline). Returns nil for the header line;
    /// throws for a line that is not a socket.
    public static func parse(line: UnsafeRawBufferPointer, family: AddressFamily) throws(ProcNetLineError) -> Connection? {
        var fields = FieldScanner(line)
        guard let slot = fields.next() else { throw ProcNetLineError("empty line") }
        if slot.elementsEqual("sl".utf8) { return nil }
        guard slot.last == UInt8(ascii: ":") else { throw ProcNetLineError("no slot number") }
        guard let local = fields.next(), let remote = fields.next(), let state = fields.next(),
              let queues = fields.next(), fields.next() != nil, fields.next() != nil,
              let uid = fields.next(), fields.next() != nil, let inode = fields.next()
        else { throw ProcNetLineError("too few fields") }
        let wordCount = family == .ipv4 ? 1 : 4
        guard let localEndpoint = endpoint(local, words: wordCount),
              let remoteEndpoint = endpoint(remote, words: wordCount)
        else { throw ProcNetLineError("bad address") }
        guard state.count == 2, let stateNumber = hex(state), let queuePair = split(queues, at: UInt8(ascii: ":")),
              let sendQueue = hex(queuePair.0), let recvQueue = hex(queuePair.1),
              let uidValue = decimal(uid), let inodeValue = decimal(inode),
              uidValue <= UInt64(UInt32.max), sendQueue <= UInt64(UInt32.max), recvQueue <= UInt64(UInt32.max)
        else { throw ProcNetLineError("bad number") }
        return Connection(
            kernelState: UInt8(stateNumber), local: localEndpoint, remote: remoteEndpoint,
            recvQueue: UInt32(recvQueue), sendQueue: UInt32(sendQueue), uid: UInt32(uidValue), inode: inodeValue)
    }

    /// `0100007F:1F90` or 32 hex digits `:` port.
    private static func endpoint(_ text: Slice<UnsafeRawBufferPointer>, words: Int) -> Endpoint? {
        guard let (address, port) = split(text, at: UInt8(ascii: ":")), address.count == words * 8, port.count == 4,
              let portValue = hex(port)
        else { return nil }
        // Each word is the in-memory (network-order) address bytes read as a host integer.
        func word(_ index: Int) -> UInt32? {
            let start = address.startIndex + 8 * index
            return hex(address[start..<start + 8]).map { UInt32(bigEndian: UInt32(truncatingIfNeeded: $0)) }
        }
        let ip: IPAddress
        if words == 1 {
            guard let value = word(0) else { return nil }
            ip = IPAddress(ipv4: value)
        } else {
            guard let w0 = word(0), let w1 = word(1), let w2 = word(2), let w3 = word(3) else { return nil }
            ip = IPAddress(ipv6High: UInt64(w0) << 32 | UInt64(w1), low: UInt64(w2) << 32 | UInt64(w3))
        }
        return Endpoint(address: ip, port: UInt16(portValue))
    }

    private static func split(
        _ text: Slice<UnsafeRawBufferPointer>, at separator: UInt8
    ) -> (Slice<UnsafeRawBufferPointer>, Slice<UnsafeRawBufferPointer>)? {
        guard let index = text.firstIndex(of: separator) else { return nil }
        return (text[text.startIndex..<index], text[(index + 1)...])
    }

    private static func hex(_ text: Slice<UnsafeRawBufferPointer>) -> UInt64? {
        guard !text.isEmpty, text.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in text {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    private static func decimal(_ text: Slice<UnsafeRawBufferPointer>) -> UInt64? {
        guard !text.isEmpty, text.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in text {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

/// Why a /proc/net/tcp line is not a socket.
public struct ProcNetLineError: Error, Equatable, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// Splits a line at runs of spaces.
struct FieldScanner {
    private let line: UnsafeRawBufferPointer
    private var index: Int

    init(_ line: UnsafeRawBufferPointer) {
        self.line = line
        index = 0
    }

    mutating func next() -> Slice<UnsafeRawBufferPointer>? {
        while index < line.count, line[index] == UInt8(ascii: " ") || line[index] == UInt8(ascii: "\t") { index += 1 }
        guard index < line.count else { return nil }
        let start = index
        while index < line.count, line[index] != UInt8(ascii: " "), line[index] != UInt8(ascii: "\t") { index += 1 }
        return line[start..<index]
    }
}
