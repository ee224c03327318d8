import CMNL
#if canImport(Glibc)
import Glibc
#endif

/// Moves this thread into another network namespace, as `ip netns exec`
/// does, so that the sock_diag socket opened afterwards and /proc/self/net
/// describe that namespace.
public enum NetworkNamespace {
    /// A name under /run/netns (what `ip netns add` makes), or a path such
    /// as /proc/PID/ns/net when the text has a `/`.
    public static func path(for nameOrPath: String) -> String {
        nameOrPath.contains("/") ? nameOrPath : "/run/netns/" + nameOrPath
    }

    /// Enters the namespace for good; needs CAP_SYS_ADMIN. Call it before any
    /// socket or /proc/net file is opened, on the thread that will open them.
    public static func enter(_ nameOrPath: String) throws(SourceError) {
        guard !nameOrPath.isEmpty, nameOrPath != ".", nameOrPath != ".." else {
            throw SourceError("'\(nameOrPath)' is not a network namespace name")
        }
        let path = path(for: nameOrPath)
        let fd = try open(path, named: !nameOrPath.contains("/"))
        defer { close(fd) }
        try enter(fd, path: path)
    }

    /// Runs `body` with the calling thread inside the namespace at `path`, then
    /// moves the same thread back: a socket opened in `body` keeps the
    /// namespace. `inode`, when given, must be the namespace's (a pid may
    /// have been reused since it was found). Other threads are not moved.
    public static func withEntered<T>(
        _ path: String, inode: UInt64? = nil, _ body: () throws -> T
    ) throws -> T {
        let target = try open(path, named: false)
        defer { close(target) }
        if let inode {
            var info = stat()
            guard fstat(target, &info) == 0, UInt64(info.st_ino) == inode else {
                throw SourceError("\(path) is no longer network namespace net:[\(inode)]", errno: ESRCH)
            }
        }
        let home = Glibc.open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard home >= 0 else { throw SourceError.system("cannot open this thread's network namespace", errno) }
        defer { close(home) }
        try enter(target, path: path)
        let result = Result { try body() }
        guard CMNL_setns_net(home) == 0 else {
            throw SourceError.system("cannot return from network namespace \(path)", errno)
        }
        return try result.get()
    }

    /// The inode of the calling thread's network namespace.
    public static func currentInode() -> UInt64? {
        inode(at: "/proc/thread-self/ns/net")
    }

    /// The nsfs inode at `path` (/proc/PID/ns/net or a /run/netns bind mount),
    /// nil when the path is missing, unreadable or not a namespace.
    public static func inode(at path: String) -> UInt64? {
        // NSFS_MAGIC: a /run/netns file whose mount went away is a plain file.
        guard CMNL_filesystem_type(path) == 0x6e73_6673 else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt64(info.st_ino)
    }

    private static func open(_ path: String, named: Bool) throws(SourceError) -> Int32 {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT, named {
                throw SourceError("no network namespace named '\(path.dropFirst(11))' (\(path) does not exist)", errno: code)
            }
            throw SourceError.system("cannot open network namespace \(path)", code)
        }
        return fd
    }

    private static func enter(_ fd: Int32, path: String) throws(SourceError) {
        guard CMNL_setns_net(fd) == 0 else {
            let code = errno
            switch code {
            case EPERM:
                throw SourceError("entering network namespace \(path) needs root (CAP_SYS_ADMIN)", errno: code)
            case EINVAL:
                throw SourceError("\(path) is not a network namespace", errno: code)
            default:
                throw SourceError.system("cannot enter network namespace \(path)", code)
            }
        }
    }
}
