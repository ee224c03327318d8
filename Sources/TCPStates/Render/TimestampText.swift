/// A wall-clock time broken into calendar fields, computed without the C
/// library so that it is pure and testable.
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

    /// `HH:MM:SS`.
    public var clockText: String { "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))" }
    /// `HH:MM:SS.mmm`.
    public var clockMillisecondsText: String { "\(clockText).\(pad(millisecond, 3))" }
}

extension ByteWriter {
    /// RFC 3339 in UTC with milliseconds: `2026-11-25T18:29:14.123Z`.
    public func append(rfc3339Milliseconds milliseconds: Int64) {
        let t = CalendarTime(milliseconds: milliseconds)
        append(pad(t.year, 4)); append(UInt8(ascii: "-"))
        append(pad(t.month, 2)); append(UInt8(ascii: "-"))
        append(pad(t.day, 2)); append(UInt8(ascii: "T"))
        append(t.clockMillisecondsText); append(UInt8(ascii: "Z"))
    }
}

private func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
