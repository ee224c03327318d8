#if canImport(Glibc)
import Glibc
#endif

extension ByteWriter {
    /// RFC 3339 in UTC with milliseconds: `2026-11-25T18:40:01.123Z`.
    public func append(rfc3339Milliseconds nanoseconds: UInt64) {
        var parts = tm()
        var seconds = time_t(nanoseconds / 1_000_000_000)
        gmtime_r(&seconds, &parts)
        appendPadded(UInt64(parts.tm_year) + 1900, width: 4)
        append(UInt8(ascii: "-"))
        appendPadded(UInt64(parts.tm_mon + 1), width: 2)
        append(UInt8(ascii: "-"))
        appendPadded(UInt64(parts.tm_mday), width: 2)
        append(UInt8(ascii: "T"))
        appendClock(parts, nanoseconds: nanoseconds)
        append(UInt8(ascii: "Z"))
    }

    /// Local time of day with milliseconds: `18:40:01.123`.
    public func append(localTimeOfDay nanoseconds: UInt64) {
        var parts = tm()
        var seconds = time_t(nanoseconds / 1_000_000_000)
        localtime_r(&seconds, &parts)
        appendClock(parts, nanoseconds: nanoseconds)
    }

    /// Milliseconds with three decimals: `12.345`.
    public func append(milliseconds nanoseconds: UInt64) {
        let microseconds = (nanoseconds + 500) / 1000
        append(decimal: microseconds / 1000)
        append(UInt8(ascii: "."))
        appendPadded(microseconds % 1000, width: 3)
    }

    private func appendClock(_ parts: tm, nanoseconds: UInt64) {
        appendPadded(UInt64(parts.tm_hour), width: 2)
        append(UInt8(ascii: ":"))
        appendPadded(UInt64(parts.tm_min), width: 2)
        append(UInt8(ascii: ":"))
        appendPadded(UInt64(parts.tm_sec), width: 2)
        append(UInt8(ascii: "."))
        appendPadded(nanoseconds / 1_000_000 % 1000, width: 3)
    }

    private func appendPadded(_ value: UInt64, width: Int) {
        appendZeros(width - decimalWidth(value))
        append(decimal: value)
    }

    private func appendZeros(_ count: Int) {
        if count > 0 { for _ in 0..<count { append(UInt8(ascii: "0")) } }
    }
}
