/// Decodes one page read from a tracefs `trace_pipe_raw` file: the ring
/// buffer's own layout (kernel/trace/ring_buffer.c, and the `header_page` and
/// `header_event` files), pure, from bytes to timestamped records.
///
/// A page is `u64 timestamp; local_t commit; data[]`. `commit` holds the
/// length of the data, with flag bits above it saying the kernel lost events
/// before this page. Each event starts with a u32 whose low 5 bits are its
/// type_len and upper 27 bits a time delta from the previous event:
/// type_len 1...28 is a record of type_len * 4 bytes; 0 is a record whose
/// length (+ 4) is in the next u32; 29 is padding, 30 extends the delta by
/// the next u32 << 27, 31 is an absolute timestamp.
public enum RingBufferPage {
    /// What a page said besides its records.
    public struct Summary: Equatable, Sendable {
        /// Records in the page.
        public var records = 0
        /// The kernel dropped or overwrote events before this page.
        public var missedEvents = false
    }

    static let headerSize = 16
    static let missedEventsFlag: UInt64 = 1 << 31
    static let missedStoredFlag: UInt64 = 1 << 30
    static let lengthMask: UInt64 = (1 << 30) - 1

    /// Calls `body` with each record's timestamp (in the trace clock's units)
    /// and payload; throws on a page whose lengths do not add up.
    @discardableResult
    public static func decode(
        _ page: UnsafeRawBufferPointer,
        _ body: (_ timestamp: UInt64, _ payload: UnsafeRawBufferPointer) throws -> Void
    ) throws -> Summary {
        guard page.count >= headerSize else { throw TraceError("ring buffer page of \(page.count) bytes") }
        var time = page.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let commit = page.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        let length = Int(commit & lengthMask)
        var summary = Summary(missedEvents: commit & (missedEventsFlag | missedStoredFlag) != 0)
        guard headerSize + length <= page.count else {
            throw TraceError("ring buffer page commits \(length) bytes in a page of \(page.count)")
        }
        let end = headerSize + length
        var offset = headerSize
        func word(_ at: Int) throws -> UInt32 {
            guard at + 4 <= end else { throw TraceError("ring buffer event runs past the page's data") }
            return page.loadUnaligned(fromByteOffset: at, as: UInt32.self)
        }
        while offset + 4 <= end {
            let header = try word(offset)
            let typeLength = header & 0x1F
            let delta = UInt64(header >> 5)
            switch typeLength {
            case 29:  // padding: a discarded event, or the rest of the page
                if delta == 0 { return summary }
                offset += 4 + Int(try word(offset + 4))
            case 30:  // time extend
                time &+= delta | UInt64(try word(offset + 4)) << 27
                offset += 8
            case 31:  // absolute time stamp: its low 59 bits, the rest from the page
                let stamp = delta | UInt64(try word(offset + 4)) << 27
                time = (time & ~((1 << 59) - 1)) | (stamp & ((1 << 59) - 1))
                offset += 8
            default:
                time &+= delta
                let start: Int, size: Int
                if typeLength == 0 {
                    let stored = Int(try word(offset + 4))
                    guard stored >= 4 else { throw TraceError("ring buffer event of length \(stored)") }
                    (start, size) = (offset + 8, stored - 4)
                } else {
                    (start, size) = (offset + 4, Int(typeLength) * 4)
                }
                guard start + size <= end else { throw TraceError("ring buffer event runs past the page's data") }
                try body(time, UnsafeRawBufferPointer(rebasing: page[start..<start + size]))
                summary.records += 1
                offset = start + size
            }
        }
        return summary
    }
}
