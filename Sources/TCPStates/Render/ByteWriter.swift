/// Collects output bytes and hands them to `flush` in large blocks: one
/// write(2) per block is much cheaper than a print per line.
///
/// The bytes live in one manually managed buffer, and renderers write a row
/// at a time through a `ByteCursor`: one capacity check per field instead of
/// an array append (with its uniqueness and exclusivity checks) per byte.
public final class ByteWriter {
    // Only this class and its cursors touch these, never in overlapping
    // accesses: the runtime exclusivity checks would cost more than the
    // writes they guard.
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

    /// Lets `body` write through a cursor, then keeps what it wrote.
    ///
    /// `expected` is the room made before `body` runs, so that a body that
    /// stays within it never reallocates; it is not a limit: the cursor checks
    /// every field against the buffer's end and grows the buffer when a field
    /// does not fit, so an estimate that falls short costs a copy, never a
    /// write past the buffer. `body` must not write to this writer other
    /// than through the cursor.
    @inline(__always)
    public func write<Result>(atMost expected: Int, _ body: (inout ByteCursor) throws -> Result) rethrows -> Result {
        if capacity - count < expected { grow(toHold: count + expected) }
        var cursor = ByteCursor(base: storage + count, end: storage + capacity, writer: self)
        let result = try body(&cursor)
        // Re-read `storage`: the cursor may have moved the bytes to a larger buffer.
        count = cursor.position - storage
        return result
    }

    /// Called by a cursor whose next field does not fit: keeps the bytes up
    /// to `position`, makes room for `needed` more, and returns the cursor's
    /// new base, position and end.
    @inline(never)
    func makeRoom(base: UnsafeMutablePointer<UInt8>, position: UnsafeMutablePointer<UInt8>, needed: Int)
        -> (base: UnsafeMutablePointer<UInt8>, position: UnsafeMutablePointer<UInt8>, end: UnsafeMutablePointer<UInt8>)
    {
        let baseOffset = base - storage
        count = position - storage
        grow(toHold: count + needed)
        return (storage + baseOffset, storage + count, storage + capacity)
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

    /// Drops the bytes collected, for a writer used as scratch space.
    public func reset() { count = 0 }

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

/// Writes bytes into a `ByteWriter`'s buffer. Each field is checked against
/// the buffer's end once (not each byte); one that does not fit makes the
/// writer grow, so no estimate can make a cursor write past the buffer.
public struct ByteCursor {
    /// Where this cursor started: `written` counts from here.
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var position: UnsafeMutablePointer<UInt8>
    private var end: UnsafeMutablePointer<UInt8>
    /// The writer that grows the buffer; nil for a fixed buffer, which traps
    /// instead of overflowing.
    private unowned(unsafe) let writer: ByteWriter?

    init(base: UnsafeMutablePointer<UInt8>, end: UnsafeMutablePointer<UInt8>, writer: ByteWriter?) {
        self.base = base
        position = base
        self.end = end
        self.writer = writer
    }

    /// Bytes written through this cursor so far.
    @inline(__always)
    public var written: Int { position - base }

    /// The bytes written from `offset` (a `written` value) on; valid until the next write.
    @inline(__always)
    func bytes(from offset: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + offset, count: position - base - offset)
    }

    /// Makes sure that `count` more bytes fit.
    @inline(__always)
    mutating func reserve(_ count: Int) {
        if end - position < count { makeRoom(count) }
    }

    @inline(never)
    private mutating func makeRoom(_ count: Int) {
        guard let writer else { preconditionFailure("ByteCursor: a field does not fit its fixed buffer") }
        (base, position, end) = writer.makeRoom(base: base, position: position, needed: count)
    }

    /// Writes one byte in room already reserved.
    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        position.pointee = byte
        position += 1
    }

    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        put(byte)
    }

    @inline(__always)
    public mutating func append(_ text: StaticString) {
        reserve(text.utf8CodeUnitCount)
        position.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        position += text.utf8CodeUnitCount
    }

    /// Moves past `count` bytes written directly at `position`, in room reserved.
    @inline(__always)
    mutating func skip(_ count: Int) {
        precondition(count <= end - position, "ByteCursor: skipped past the room reserved")
        position += count
    }

    @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count)
        UnsafeMutableRawPointer(position).copyMemory(from: source, byteCount: bytes.count)
        position += bytes.count
    }

    @inline(__always)
    public mutating func appendSpaces(_ count: Int) {
        guard count > 0 else { return }
        // A table's padding is short: two word stores beat a call to memset.
        if count <= 16 {
            reserve(16)
            let spaces: UInt64 = 0x2020_2020_2020_2020
            UnsafeMutableRawPointer(position).storeBytes(of: spaces, as: UInt64.self)
            UnsafeMutableRawPointer(position + 8).storeBytes(of: spaces, as: UInt64.self)
        } else {
            reserve(count)
            position.update(repeating: UInt8(ascii: " "), count: count)
        }
        position += count
    }

    /// Moves the bytes from `offset` (a `written` value) to the end `count`
    /// bytes later and fills the gap with spaces: right-aligns what was just written.
    @inline(__always)
    mutating func insertSpaces(_ count: Int, at offset: Int) {
        guard count > 0 else { return }
        reserve(count)
        let start = base + offset
        (start + count).update(from: start, count: position - start)
        start.update(repeating: UInt8(ascii: " "), count: count)
        position += count
    }

    /// Decimal digits of an unsigned number: at most 20 bytes.
    @inline(__always)
    public mutating func append(decimal value: UInt64) {
        reserve(20)
        if value < 10 {
            put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
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

    /// A number with leading zeros to `width` digits: `007`.
    @inline(__always)
    public mutating func append(decimal value: UInt64, zeroPaddedTo width: Int) {
        let zeros = width - decimalWidth(value)
        if zeros > 0 {
            reserve(zeros)
            position.update(repeating: UInt8(ascii: "0"), count: zeros)
            position += zeros
        }
        append(decimal: value)
    }

    /// An IPv4 address in dotted decimal: at most 15 bytes.
    @inline(__always)
    public mutating func append(ipv4 value: UInt32) {
        reserve(15)
        putOctet(UInt8(truncatingIfNeeded: value >> 24))
        put(UInt8(ascii: "."))
        putOctet(UInt8(truncatingIfNeeded: value >> 16))
        put(UInt8(ascii: "."))
        putOctet(UInt8(truncatingIfNeeded: value >> 8))
        put(UInt8(ascii: "."))
        putOctet(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    private mutating func putOctet(_ octet: UInt8) {
        let zero = UInt8(ascii: "0")
        if octet >= 100 {
            put(zero &+ octet / 100)
            put(zero &+ octet / 10 % 10)
        } else if octet >= 10 {
            put(zero &+ octet / 10)
        }
        put(zero &+ octet % 10)
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
