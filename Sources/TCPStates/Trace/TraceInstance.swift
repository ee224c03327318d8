import CMNL
#if canImport(Glibc)
import Glibc
#endif

/// A private tracefs instance (`instances/tcpstates-PID`) with
/// sock:inet_sock_set_state enabled and filtered: the only code that touches
/// tracefs. Nothing global changes; `remove()` (also run by deinit) deletes
/// the instance, and the next start deletes one a killed run left behind.
public final class TraceInstance {
    /// The instance directory.
    public let path: String
    /// Where tracefs is mounted.
    private let root: String
    /// The event's record layout in this kernel.
    public let format: TraceEventFormat
    /// The expression in the event's filter file, or nil when the kernel
    /// refused it and only `protocol == 6` filters in the kernel.
    public private(set) var kernelFilter: String?
    /// Bytes of one ring buffer page, the unit `trace_pipe_raw` reads.
    public let pageSize: Int
    /// One non-blocking `trace_pipe_raw` per CPU, to poll and read.
    public private(set) var cpuFiles: [Int32] = []
    private var removed = false

    static let event = "events/sock/inet_sock_set_state"
    static let namePrefix = "tcpstates-"

    /// Creates and arms the instance: trace clock `boot`, `bufferKB` per CPU,
    /// readers woken at the first event, the event filtered by `filter` and enabled.
    public init(filter: String, bufferKB: Int) throws(TraceError) {
        let root = try Self.tracefsRoot()
        Self.removeStaleInstances(root: root)
        let path = "\(root)/instances/\(Self.namePrefix)\(getpid())"
        if mkdir(path, 0o700) != 0 {
            throw TraceError.system("cannot create the tracefs instance \(path)", errno)
        }
        var files: [Int32] = []
        do throws(TraceError) {
            format = try TraceEventFormat(parsing: try Self.read("\(path)/\(Self.event)/format"))
            try Self.write("\(path)/trace_clock", "boot")
            try Self.write("\(path)/buffer_size_kb", String(bufferKB))
            try Self.write("\(path)/buffer_percent", "0")
            let subbuffer = (try? Self.read("\(path)/buffer_subbuf_size_kb")).flatMap { Int(String($0.prefix { $0.isNumber })) } ?? 4
            pageSize = subbuffer * 1024
            do throws(TraceError) {
                try Self.write("\(path)/\(Self.event)/filter", filter)
                kernelFilter = filter
            } catch let error where [EINVAL, ENOSPC, E2BIG].contains(error.errno ?? 0) {
                // Too long or too complex for this kernel: filter the ports in user space.
                try Self.write("\(path)/\(Self.event)/filter", "protocol == 6")
                kernelFilter = nil
            }
            for cpu in try Self.cpus(of: path) {
                let file = "\(path)/per_cpu/cpu\(cpu)/trace_pipe_raw"
                let fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
                guard fd >= 0 else { throw TraceError.system("cannot open \(file)", errno) }
                files.append(fd)
            }
            try Self.write("\(path)/\(Self.event)/enable", "1")
        } catch {
            for fd in files { close(fd) }
            rmdir(path)
            throw error
        }
        self.path = path
        self.root = root
        cpuFiles = files
    }

    deinit { remove() }

    /// Reads one page of CPU `index` into `buffer` (at least `pageSize`
    /// bytes); returns the bytes read, 0 when that CPU has nothing now.
    public func readPage(cpu index: Int, into buffer: UnsafeMutableRawBufferPointer) throws(TraceError) -> Int {
        while true {
            let count = Glibc.read(cpuFiles[index], buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            if errno == EAGAIN { return 0 }
            throw TraceError.system("cannot read the trace of cpu \(index)", errno)
        }
    }

    /// Events the kernel lost, summed over CPUs: overwritten before they were
    /// read (overrun) and dropped for want of space (dropped events).
    public func lostEvents() -> (overrun: UInt64, dropped: UInt64) {
        var overrun: UInt64 = 0, dropped: UInt64 = 0
        for cpu in (try? Self.cpus(of: path)) ?? [] {
            guard let stats = try? Self.read("\(path)/per_cpu/cpu\(cpu)/stats") else { continue }
            for line in stats.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, let value = UInt64(parts[1].trimmingSpaces) else { continue }
                if parts[0] == "overrun" { overrun += value }
                if parts[0] == "dropped events" { dropped += value }
            }
        }
        return (overrun, dropped)
    }

    /// Throws when another process has disabled the event or tracing of the
    /// instance (the kernel refuses to remove an instance whose files are
    /// open, so that is what another process can do to it), or when its
    /// files cannot be read any more.
    public func verify() throws(TraceError) {
        for (file, what) in [("\(path)/\(Self.event)/enable", "disabled its event"),
                             ("\(path)/tracing_on", "turned its tracing off")] {
            let text: String
            do throws(TraceError) {
                text = try Self.read(file)
            } catch {
                throw TraceError("the tracefs instance \(path) is gone (\(error.message))", errno: error.errno)
            }
            guard text.hasPrefix("1") else {
                throw TraceError("another process \(what) (\(file) is \(text.prefix { $0 != "\n" })): the trace stopped")
            }
        }
    }

    /// The contents of tracefs saved_cmdlines: the commands the kernel
    /// recorded for the pids of traced events.
    public func savedCmdlines() -> [UInt8]? {
        (try? Self.read("\(root)/saved_cmdlines")).map { Array($0.utf8) }
    }

    /// Disables the event and deletes the instance (the kernel refuses while
    /// its files are open, so they are closed first). Safe to call twice.
    public func remove() {
        guard !removed else { return }
        removed = true
        for fd in cpuFiles { close(fd) }
        cpuFiles = []
        try? Self.write("\(path)/\(Self.event)/enable", "0")
        rmdir(path)
    }

    /// Where tracefs is mounted. When it is not, it is mounted at
    /// /sys/kernel/tracing in a private mount namespace of this process, so
    /// that the mount goes away with it.
    static func tracefsRoot() throws(TraceError) -> String {
        let tracefsMagic = 0x7472_6163
        for candidate in ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]
        where CMNL_filesystem_type(candidate) == tracefsMagic {
            return candidate
        }
        let root = "/sys/kernel/tracing"
        if CMNL_unshare_mount_namespace() == 0 {
            // Keep the mount below from propagating back to the parent namespace.
            _ = mount("none", "/", nil, UInt(MS_REC | MS_PRIVATE), nil)
        }
        guard mount("nodev", root, "tracefs", 0, nil) == 0 else {
            throw TraceError.system("cannot mount tracefs at \(root)", errno)
        }
        return root
    }

    /// Deletes instances named tcpstates-PID whose process is gone.
    static func removeStaleInstances(root: String) {
        guard let directory = opendir("\(root)/instances") else { return }
        var stale: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix(namePrefix), let pid = pid_t(name.dropFirst(namePrefix.count)), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { stale.append(name) }
        }
        closedir(directory)
        for name in stale { rmdir("\(root)/instances/\(name)") }
    }

    /// The CPU numbers with a per_cpu directory.
    static func cpus(of instance: String) throws(TraceError) -> [Int] {
        guard let directory = opendir("\(instance)/per_cpu") else {
            throw TraceError.system("cannot list \(instance)/per_cpu", errno)
        }
        defer { closedir(directory) }
        var cpus: [Int] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix("cpu"), let number = Int(name.dropFirst(3)) { cpus.append(number) }
        }
        return cpus.sorted()
    }

    static func read(_ file: String) throws(TraceError) -> String {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TraceError.system("cannot read \(file)", errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw TraceError.system("cannot read \(file)", errno) }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func write(_ file: String, _ text: String) throws(TraceError) {
        let fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { throw TraceError.system("cannot open \(file)", errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw TraceError.system("cannot write '\(text)' to \(file)", errno) }
    }
}

extension TraceError {
    /// `what: strerror(code)`, keeping the errno.
    static func system(_ what: String, _ code: Int32) -> TraceError {
        TraceError("\(what): \(String(cString: strerror(code)))", errno: code)
    }
}
