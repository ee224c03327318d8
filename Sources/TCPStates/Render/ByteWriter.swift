/// Collects output bytes and hands them to `flush` in large blocks: one
/// write(2) per block is much cheaper than a print per line.
///
/// The bytes live in one manually managed buffer, and renderers write a row
/// at a time through a `ByteCursor`: one capacity check per row instead of
/// an array append (with its uniqueness and exclusivity checks) per byte.
public final class ByteWriter {
    // Only this class touches these, never in overlapping accesses: the
    // runtime exclusivity checks would cost more than the writes they guard.
    @exclusivity(unchecked) private var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    /// Bytes collected and not yet flushed.
    @exclusivity(unchecked) public private(set) var count = 0
    private let threshold: Int
    private let flushHandler: (UnsafeRawBufferPointer) throws -> Void

    /// `flush` receives the bytes each time more than `threshold` collected, and at `flush()`.
    public init(threshold: Int = 64 * 1024, flush: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.threshold = threshold
        flushHandler = flush
        capacity = min(threshold, 1 << 20) + 4096
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// A copy of the bytes collected and not yet flushed (O(count): not for hot paths).
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    /// The bytes collected and not yet flushed, without copying them; valid
    /// only inside `body`, which must not write to this writer.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// Lets `body` write at most `maximum` bytes through a cursor, then keeps what it wrote.
    @inline(__always)
    public func write<Result>(atMost maximum: Int, _ body: (inout ByteCursor) throws -> Result) rethrows -> Result {
        if capacity - count < maximum { grow(toHold: count + maximum) }
        var cursor = ByteCursor(storage + count)
        let result = try body(&cursor)
        assert(cursor.position - (storage + count) <= maximum, "wrote past the room reserved")
        count = cursor.position - storage
        return result
    }

    private func grow(toHold needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.update(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }

    public func append(_ byte: UInt8) { write(atMost: 1) { $0.append(byte) } }

    public func append(_ text: StaticString) {
        write(atMost: text.utf8CodeUnitCount) { $0.append(text) }
    }

    public func append(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in append(UnsafeRawBufferPointer(utf8)) }
    }

    public func append(_ other: UnsafeRawBufferPointer) {
        write(atMost: other.count) { $0.append(other) }
    }

    public func appendSpaces(_ count: Int) {
        if count > 0 { write(atMost: count) { $0.appendSpaces(count) } }
    }

    /// Decimal digits of an unsigned number.
    public func append(decimal value: UInt64) {
        write(atMost: 20) { $0.append(decimal: value) }
    }

    /// Flushes when enough has collected; renderers call this between rows.
    @inline(__always)
    public func flushIfFull() throws {
        if count >= threshold { try flush() }
    }

    public func flush() throws {
        guard count > 0 else { return }
        try flushHandler(UnsafeRawBufferPointer(start: storage, count: count))
        count = 0
    }
}

/// Writes bytes into room a `ByteWriter` reserved; it never checks bounds:
/// the caller reserved the most it can write.
public struct ByteCursor {
    public private(set) var position: UnsafeMutablePointer<UInt8>

    init(_ position: UnsafeMutablePointer<UInt8>) { self.position = position }

    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        position.pointee = byte
        position += 1
    }

    @inline(__always)
    public mutating func append(_ text: StaticString) {
        position.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        position += text.utf8CodeUnitCount
    }

    /// Moves past `count` bytes written directly at `position`.
    @inline(__always)
    mutating func skip(_ count: Int) { position += count }

    @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        UnsafeMutableRawPointer(position).copyMemory(from: base, byteCount: bytes.count)
        position += bytes.count
    }

    @inline(__always)
    public mutating func appendSpaces(_ count: Int) {
        guard count > 0 else { return }
        position.update(repeating: UInt8(ascii: " "), count: count)
        position += count
    }

    /// Decimal digits of an unsigned number: at most 20 bytes.
    @inline(__always)
    public mutating func append(decimal value: UInt64) {
        if value < 10 {
            append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        let width = decimalWidth(value)
        var rest = value
        var index = width - 1
        while index >= 0 {
            position[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        }
        position += width
    }

    /// A number right-aligned in `width` columns (wider numbers take the room they need).
    @inline(__always)
    public mutating func append(decimal value: UInt64, rightAlignedIn width: Int) {
        appendSpaces(width - decimalWidth(value))
        append(decimal: value)
    }

    /// An IPv4 address in dotted decimal: at most 15 bytes.
    @inline(__always)
    public mutating func append(ipv4 value: UInt32) {
        appendOctet(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(ascii: "."))
        appendOctet(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(ascii: "."))
        appendOctet(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(ascii: "."))
        appendOctet(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    private mutating func appendOctet(_ octet: UInt8) {
        let zero = UInt8(ascii: "0")
        if octet >= 100 {
            append(zero &+ octet / 100)
            append(zero &+ octet / 10 % 10)
        } else if octet >= 10 {
            append(zero &+ octet / 10)
        }
        append(zero &+ octet % 10)
    }
}

/// Number of decimal digits of a value.
@inline(__always)
func decimalWidth(_ value: UInt64) -> Int {
    var width = 1
    var rest = value
    while rest >= 10 {
        rest /= 10
        width += 1
    }
    return width
}
