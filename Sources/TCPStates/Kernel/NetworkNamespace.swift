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

    /// Enters the namespace; needs CAP_SYS_ADMIN. Call it before any socket
    /// or /proc/net file is opened, on the thread that will open them.
    public static func enter(_ nameOrPath: String) throws(SourceError) {
        guard !nameOrPath.isEmpty, nameOrPath != ".", nameOrPath != ".." else {
            throw SourceError("'\(nameOrPath)' is not a network namespace name")
        }
        let path = path(for: nameOrPath)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT, !nameOrPath.contains("/") {
                throw SourceError("no network namespace named '\(nameOrPath)' (\(path) does not exist)", errno: code)
            }
            throw SourceError.system("cannot open network namespace \(path)", code)
        }
        defer { close(fd) }
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
