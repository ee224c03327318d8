#if canImport(Glibc)
import Glibc
#endif

/// The symbolic name of an errno (EPERM, EOPNOTSUPP), as reports print it:
/// what a user searches for, unlike strerror's sentence.
public enum ErrnoName {
    /// The name, or `errno N` for a code this table lacks.
    public static func of(_ code: Int32) -> String {
        names[code] ?? "errno \(code)"
    }

    /// What netlink and socket calls answer (glibc's strerrorname_np is not in musl).
    private static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO", EBADF: "EBADF",
        EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES", EFAULT: "EFAULT", EBUSY: "EBUSY",
        EEXIST: "EEXIST", EINVAL: "EINVAL", ENOSPC: "ENOSPC", EPIPE: "EPIPE", ENOSYS: "ENOSYS",
        ENOTSOCK: "ENOTSOCK", EPROTONOSUPPORT: "EPROTONOSUPPORT", EOPNOTSUPP: "EOPNOTSUPP",
        EAFNOSUPPORT: "EAFNOSUPPORT", ENOBUFS: "ENOBUFS", ECONNABORTED: "ECONNABORTED",
        ECONNRESET: "ECONNRESET", ETIMEDOUT: "ETIMEDOUT", ECONNREFUSED: "ECONNREFUSED",
    ]
}
