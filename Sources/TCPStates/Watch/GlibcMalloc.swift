import CMNL

/// glibc's allocator, as a long-running watch needs it.
public enum GlibcMalloc {
    /// Fixes the size from which blocks are mapped on their own and unmapped
    /// when freed, and the free space at a heap's top that is given back,
    /// both at glibc's default of 128 KiB. Call it early: a heap's free top
    /// already larger serves blocks that are then not mapped.
    ///
    /// Left alone, glibc raises both each time it unmaps a block larger than
    /// the threshold (up to 32 MiB and 64 MiB). A watch under churn does so
    /// early, as its tables grow; its batches of destroyed sockets and of
    /// events, hundreds of KiB each, were then carved from the heaps, where
    /// their freed space stayed: RSS grew 0.3 MiB a minute at 7,000
    /// connections/s while under 1 MiB of the heaps was in use.
    /// Returns whether glibc took it.
    @discardableResult
    public static func fixThresholds(bytes: Int32 = 128 << 10) -> Bool {
        CMNL_mallopt_fix_thresholds(bytes, bytes) != 0
    }
}
