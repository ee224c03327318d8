/// Collects output bytes and hands them to `flush` in large blocks: one
/// write(2) per block is much cheaper than a print per line.
public final class ByteWriter {
    public private(set) var bytes: [UInt8] = []
    private let threshold: Int
    private let flushHandler: (UnsafeRawBufferPointer) throws -> Void

    /// `flush` receives the bytes each time more than `threshold` collected, and at `flush()`.
    public init(threshold: Int = 64 * 1024, flush: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.threshold = threshold
        flushHandler = flush
        bytes.reserveCapacity(min(threshold, 1 << 20) + 4096)
    }

    @inline(__always)
    public func append(_ byte: UInt8) { bytes.append(byte) }

    public func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    public func append(_ other: UnsafeRawBufferPointer) { bytes.append(contentsOf: other) }

    public func appendSpaces(_ count: Int) {
        if count > 0 { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count)) }
    }

    /// Decimal digits of an unsigned number.
    public func append(decimal value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                     UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            while rest > 0 {
                raw[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(raw[index]) }
        }
    }

    /// Flushes when enough has collected; renderers call this between rows.
    @inline(__always)
    public func flushIfFull() throws {
        if bytes.count >= threshold { try flush() }
    }

    public func flush() throws {
        guard !bytes.isEmpty else { return }
        try bytes.withUnsafeBytes { try flushHandler($0) }
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Number of decimal digits of a value.
func decimalWidth(_ value: UInt64) -> Int {
    var width = 1
    var rest = value
    while rest >= 10 {
        rest /= 10
        width += 1
    }
    return width
}
