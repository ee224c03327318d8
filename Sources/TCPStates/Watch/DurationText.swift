/// Durations as the watch screen prints them: short, two units at most.
public enum DurationText {
    /// `850ms`, `12s`, `3m05s`, `2h03m`, `4d07h`; with `isLowerBound`, a
    /// leading `>` says the real duration is longer (seen since the watch began).
    public static func format(milliseconds: Int64, isLowerBound: Bool = false) -> String {
        let prefix = isLowerBound ? ">" : ""
        let ms = max(0, milliseconds)
        if ms < 1000 { return prefix + "\(ms)ms" }
        let seconds = ms / 1000
        if seconds < 60 { return prefix + "\(seconds)s" }
        if seconds < 3600 { return prefix + "\(seconds / 60)m" + twoDigits(seconds % 60) + "s" }
        if seconds < 86400 { return prefix + "\(seconds / 3600)h" + twoDigits(seconds / 60 % 60) + "m" }
        return prefix + "\(seconds / 86400)d" + twoDigits(seconds / 3600 % 24) + "h"
    }

    private static func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
