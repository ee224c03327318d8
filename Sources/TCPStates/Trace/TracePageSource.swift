/// Where a tracer reads ring-buffer pages: a tracefs instance, or captured
/// pages in a test.
public protocol TracePageSource: AnyObject {
    /// Bytes of one ring-buffer page: the size of a read.
    var pageSize: Int { get }
    /// How many CPUs have a buffer.
    var cpuCount: Int { get }
    /// Reads one page of CPU `cpu` into `buffer` (at least `pageSize` bytes);
    /// returns the bytes read, 0 when that CPU has nothing now.
    func readPage(cpu: Int, into buffer: UnsafeMutableRawBufferPointer) throws(TraceError) -> Int
}

extension TraceInstance: TracePageSource {
    public var cpuCount: Int { cpuFiles.count }
}
