#if canImport(Glibc)
import Glibc
#endif

/// The process a change ran for: its pid and command name (bytes from the
/// kernel, up to 15, not necessarily UTF-8 or printable).
public struct TaskName: Equatable, Sendable {
    public var pid: Int32
    /// nil when the process was gone before its name could be read.
    public var command: [UInt8]?

    public init(pid: Int32, command: [UInt8]?) {
        self.pid = pid
        self.command = command
    }
}

/// Names the process a change ran in, where it ran in one: not in softirq or
/// hardirq context (the current task there is whoever was interrupted), not
/// in a kernel thread (ksoftirqd and kworkers run changes for everybody), not
/// in the idle task.
public struct TaskNames {
    /// Reads `/proc/PID/stat`; injectable for tests.
    public var readStat: (Int32) -> [UInt8]?
    /// The kernel's own record of a pid's command (tracefs saved_cmdlines),
    /// for a process that exited before its change was read.
    public var savedCommand: (Int32) -> [UInt8]?
    private var cache: [Int32: (name: TaskName?, readAt: UInt64)] = [:]
    /// A cached name is trusted this long (trace clock): a pid can be reused.
    static let cacheLifetime: UInt64 = 1_000_000_000

    public init(
        readStat: @escaping (Int32) -> [UInt8]? = TaskNames.procStat,
        savedCommand: @escaping (Int32) -> [UInt8]? = { _ in nil }
    ) {
        self.readStat = readStat
        self.savedCommand = savedCommand
    }

    /// The owner of `change`, or nil when it ran outside a process's context.
    public mutating func owner(of change: SocketStateChange) -> TaskName? {
        guard !change.ranInInterrupt, change.pid > 0 else { return nil }
        if let known = cache[change.pid], change.timestamp &- known.readAt < Self.cacheLifetime { return known.name }
        if cache.count >= 4096 { cache.removeAll(keepingCapacity: true) }
        let name: TaskName?
        if let stat = readStat(change.pid) {
            name = Self.parseStat(stat).flatMap { $0.isKernelThread ? nil : TaskName(pid: change.pid, command: $0.command) }
            cache[change.pid] = (name, change.timestamp)
        } else {
            // Gone already (a short-lived client): its pid may come back as another process, so no caching.
            name = TaskName(pid: change.pid, command: savedCommand(change.pid))
        }
        return name
    }

    /// The command of `pid` in the text of tracefs `saved_cmdlines` (`PID COMM` lines).
    public static func command(of pid: Int32, inSavedCmdlines text: [UInt8]) -> [UInt8]? {
        let prefix = Array("\(pid) ".utf8)
        for line in text.split(separator: UInt8(ascii: "\n")) where line.starts(with: prefix) {
            let command = Array(line.dropFirst(prefix.count))
            return command == Array("<...>".utf8) ? nil : command
        }
        return nil
    }

    /// `pid (comm) state ppid ...`: the command (between the first `(` and
    /// the last `)`, since comm may hold either) and whether flags (field 9)
    /// has PF_KTHREAD.
    static func parseStat(_ stat: [UInt8]) -> (command: [UInt8], isKernelThread: Bool)? {
        guard let open = stat.firstIndex(of: UInt8(ascii: "(")),
              let close = stat.lastIndex(of: UInt8(ascii: ")")), open < close
        else { return nil }
        let command = Array(stat[(open + 1)..<close])
        // After ") ": state ppid pgrp session tty_nr tpgid flags
        let rest = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard rest.count >= 7, let flags = UInt64(String(decoding: rest[6], as: UTF8.self)) else {
            return (command, false)
        }
        let kernelThread: UInt64 = 0x0020_0000  // PF_KTHREAD
        return (command, flags & kernelThread != 0)
    }

    /// The contents of /proc/PID/stat, or nil when the process is gone.
    public static func procStat(_ pid: Int32) -> [UInt8]? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return Array(buffer[..<count])
    }
}
