#if canImport(Glibc)
import Glibc
#endif

/// The network namespace a task stands in, by the pid the kernel records in
/// a trace event (`common_pid`: the task's id in the initial pid namespace).
public struct TaskNetworkNamespaces: Sendable {
    /// PROC_PID_INIT_INO (include/linux/proc_ns.h): the initial pid namespace's inode, fixed.
    static let initialPidNamespace: UInt64 = 0xEFFF_FFFC
    /// Whether this process's /proc numbers tasks as the kernel's events do:
    /// in another pid namespace (a container) /proc/PID is another task.
    public let seesKernelPids: Bool

    public init() {
        var info = stat()
        let ownPidNamespace = stat("/proc/self/ns/pid", &info) == 0 ? UInt64(info.st_ino) : nil
        // /proc/self names this process as the mounted /proc numbers it: the
        // initial namespace's /proc when it is getpid().
        var link = [CChar](repeating: 0, count: 32)
        let length = readlink("/proc/self", &link, link.count - 1)
        let procPid = length > 0 ? Int32(String(decoding: link[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)) : nil
        seesKernelPids = ownPidNamespace == Self.initialPidNamespace && procPid == getpid()
    }

    /// The inode of the network namespace task `pid` (a thread id too) stands
    /// in now; nil when /proc does not show kernel pids or the task is gone.
    public func inode(ofTask pid: Int32) -> UInt64? {
        guard seesKernelPids, pid > 0 else { return nil }
        // /proc/TID/ns/net is the thread's own: setns(2) moves one thread.
        return NetworkNamespace.inode(at: "/proc/\(pid)/ns/net")
    }
}
