#if canImport(Glibc)
import Glibc
#endif

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
        guard let base = line.baseAddress else { throw ProcNetLineError("empty line") }
        var fields = FieldScanner(base.assumingMemoryBound(to: UInt8.self), count: line.count)
        guard let slot = fields.next() else { throw ProcNetLineError("empty line") }
        if slot.equals("sl") { return nil }
        guard slot.last == UInt8(ascii: ":") else { throw ProcNetLineError("no slot number") }
        guard let local = fields.next(), let remote = fields.next(), let state = fields.next(),
              let queues = fields.next(), let timer = fields.next(), let retransmits = fields.next(),
              let uid = fields.next(), fields.next() != nil, let inode = fields.next()
        else { throw ProcNetLineError("too few fields") }
        let wordCount = family == .ipv4 ? 1 : 4
        guard let localEndpoint = endpoint(local, words: wordCount),
              let remoteEndpoint = endpoint(remote, words: wordCount)
        else { throw ProcNetLineError("bad address") }
        guard state.count == 2, let stateNumber = state.hex, let queuePair = queues.split(at: UInt8(ascii: ":")),
              let sendQueue = queuePair.0.hex, let recvQueue = queuePair.1.hex,
              let uidValue = uid.decimal, let inodeValue = inode.decimal,
              uidValue <= UInt64(UInt32.max), sendQueue <= UInt64(UInt32.max), recvQueue <= UInt64(UInt32.max)
        else { throw ProcNetLineError("bad number") }
        guard let timerPair = timer.split(at: UInt8(ascii: ":")), let timerKind = timerPair.0.hex,
              let ticks = timerPair.1.hex, let retransmitCount = retransmits.hex, timerKind <= 0xFF
        else { throw ProcNetLineError("bad timer") }
        var connection = Connection(
            kernelState: UInt8(stateNumber), local: localEndpoint, remote: remoteEndpoint,
            recvQueue: UInt32(recvQueue), sendQueue: UInt32(sendQueue), uid: UInt32(uidValue), inode: inodeValue)
        // tm->when is in clock ticks, USER_HZ = 100 on every Linux architecture.
        let milliseconds = ticks >= UInt64(UInt32.max / 10) ? UInt32.max : UInt32(ticks * 10)
        connection.timer = SocketTimer(
            kernelKind: UInt8(timerKind), expiresMs: milliseconds, retransmits: UInt8(clamping: retransmitCount))
        return connection
    }

    /// `0100007F:1F90` or 32 hex digits `:` port.
    private static func endpoint(_ text: Field, words: Int) -> Endpoint? {
        guard let (address, port) = text.split(at: UInt8(ascii: ":")), address.count == words * 8, port.count == 4,
              let portValue = port.hex
        else { return nil }
        // Each word is the in-memory (network-order) address bytes read as a host integer.
        func word(_ index: Int) -> UInt32? {
            Field(start: address.start + 8 * index, count: 8).hex.map { UInt32(bigEndian: UInt32(truncatingIfNeeded: $0)) }
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
}

/// A run of bytes inside a line being parsed: plain pointers, because the
/// bounds-checked slices this replaced were most of the parser's time.
struct Field {
    let start: UnsafePointer<UInt8>
    let count: Int

    var last: UInt8? { count > 0 ? start[count - 1] : nil }

    func equals(_ text: StaticString) -> Bool {
        count == text.utf8CodeUnitCount && memcmp(start, text.utf8Start, count) == 0
    }

    /// The parts before and after the first `separator`.
    func split(at separator: UInt8) -> (Field, Field)? {
        for index in 0..<count where start[index] == separator {
            return (Field(start: start, count: index), Field(start: start + index + 1, count: count - index - 1))
        }
        return nil
    }

    /// Upper- or lower-case hex digits, at most 16.
    var hex: UInt64? {
        guard count > 0, count <= 16 else { return nil }
        var value: UInt64 = 0
        for index in 0..<count {
            let byte = start[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// Decimal digits, at most 19.
    var decimal: UInt64? {
        guard count > 0, count <= 19 else { return nil }
        var value: UInt64 = 0
        for index in 0..<count {
            let byte = start[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
        }
        return value
    }
}

/// Why a /proc/net/tcp line is not a socket.
public struct ProcNetLineError: Error, Equatable, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// Splits a line at runs of spaces and tabs.
struct FieldScanner {
    private var position: UnsafePointer<UInt8>
    private let end: UnsafePointer<UInt8>

    init(_ start: UnsafePointer<UInt8>, count: Int) {
        position = start
        end = start + count
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    mutating func next() -> Field? {
        while position < end, Self.isBlank(position.pointee) { position += 1 }
        guard position < end else { return nil }
        let start = position
        while position < end, !Self.isBlank(position.pointee) { position += 1 }
        return Field(start: start, count: position - start)
    }
}
