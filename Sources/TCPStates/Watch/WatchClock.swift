#if canImport(Glibc)
import Glibc
#endif

/// The clocks of the watch.
public enum WatchClock {
    public static var now: WatchInstant {
        var wall = timespec()
        var monotonic = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        clock_gettime(CLOCK_MONOTONIC, &monotonic)
        return WatchInstant(
            wallMilliseconds: Int64(wall.tv_sec) * 1000 + Int64(wall.tv_nsec) / 1_000_000,
            monotonicMilliseconds: Int64(monotonic.tv_sec) * 1000 + Int64(monotonic.tv_nsec) / 1_000_000)
    }

    /// Seconds east of UTC of the local time zone now.
    public static var utcOffsetSeconds: Int {
        var seconds = time(nil)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return 0 }
        return parts.tm_gmtoff
    }
}
