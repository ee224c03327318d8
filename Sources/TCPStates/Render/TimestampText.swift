#if canImport(Glibc)
import Glibc
#endif

/// A wall-clock time broken into calendar fields, computed without the C
/// library so that it is pure and testable. The one timestamp formatter:
/// NDJSON's RFC 3339 times, trace's and the watch screen's clocks.
public struct CalendarTime: Equatable, Sendable {
    public var year, month, day, hour, minute, second, millisecond: Int

    /// The time `milliseconds` after 1970-01-01 00:00 UTC, shifted by
    /// `utcOffsetSeconds` (0 for UTC; a local zone's offset for local time).
    public init(milliseconds: Int64, utcOffsetSeconds: Int = 0) {
        let shifted = milliseconds + Int64(utcOffsetSeconds) * 1000
        let days = Int(floorDivide(shifted, 86_400_000))
        let inDay = Int(shifted - Int64(days) * 86_400_000)
        millisecond = inDay % 1000
        second = inDay / 1000 % 60
        minute = inDay / 60_000 % 60
        hour = inDay / 3_600_000
        // Howard Hinnant's days_from_civil, inverted.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// The local time zone's offset from UTC now, in seconds (from the C library's zone rules).
    public static var localUTCOffsetSeconds: Int {
        var seconds = time(nil)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return 0 }
        return parts.tm_gmtoff
    }

    /// `HH:MM:SS`.
    public var clockText: String { text { $0.append(clock: self, milliseconds: false) } }
    /// `HH:MM:SS.mmm`.
    public var clockMillisecondsText: String { text { $0.append(clock: self, milliseconds: true) } }

    private func text(_ body: (inout ByteCursor) -> Void) -> String {
        let writer = ByteWriter(threshold: .max) { _ in }
        writer.write(atMost: 12, body)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

extension ByteCursor {
    /// `2026-11-25T18:29:14.123Z`.
    @inline(__always)
    mutating func append(rfc3339 t: CalendarTime) {
        append(decimal: UInt64(max(0, t.year)), zeroPaddedTo: 4)
        append(UInt8(ascii: "-"))
        append(decimal: UInt64(t.month), zeroPaddedTo: 2)
        append(UInt8(ascii: "-"))
        append(decimal: UInt64(t.day), zeroPaddedTo: 2)
        append(UInt8(ascii: "T"))
        append(clock: t, milliseconds: true)
        append(UInt8(ascii: "Z"))
    }

    /// `18:29:14`, with `milliseconds` `18:29:14.123`.
    @inline(__always)
    mutating func append(clock t: CalendarTime, milliseconds: Bool) {
        append(decimal: UInt64(t.hour), zeroPaddedTo: 2)
        append(UInt8(ascii: ":"))
        append(decimal: UInt64(t.minute), zeroPaddedTo: 2)
        append(UInt8(ascii: ":"))
        append(decimal: UInt64(t.second), zeroPaddedTo: 2)
        if milliseconds {
            append(UInt8(ascii: "."))
            append(decimal: UInt64(t.millisecond), zeroPaddedTo: 3)
        }
    }
}

extension ByteCursor {
    /// A duration given in nanoseconds, in milliseconds with three decimals: `12.345`.
    @inline(__always)
    mutating func append(nanosecondsAsMilliseconds nanoseconds: UInt64) {
        let microseconds = nanoseconds / 1000 + (nanoseconds % 1000 >= 500 ? 1 : 0)
        append(decimal: microseconds / 1000)
        append(UInt8(ascii: "."))
        append(decimal: microseconds % 1000, zeroPaddedTo: 3)
    }
}

extension ByteWriter {
    /// RFC 3339 in UTC with milliseconds: `2026-11-25T18:29:14.123Z`.
    public func append(rfc3339Milliseconds milliseconds: Int64) {
        write(atMost: 32) { $0.append(rfc3339: CalendarTime(milliseconds: milliseconds)) }
    }

    /// Time of day with milliseconds, `18:40:01.123`, in the zone `utcOffsetSeconds` east of UTC.
    public func append(timeOfDayMilliseconds milliseconds: Int64, utcOffsetSeconds: Int) {
        write(atMost: 16) {
            $0.append(clock: CalendarTime(milliseconds: milliseconds, utcOffsetSeconds: utcOffsetSeconds),
                      milliseconds: true)
        }
    }

    /// A duration given in nanoseconds, written in milliseconds with three
    /// decimals (rounded to the microsecond): `12.345`.
    public func append(nanosecondsAsMilliseconds nanoseconds: UInt64) {
        write(atMost: 24) { $0.append(nanosecondsAsMilliseconds: nanoseconds) }
    }
}

private func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}
