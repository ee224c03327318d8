import Glibc

/// The network namespace the peer runs in.
enum Namespace {
    /// Refuses to run anywhere but in a fresh namespace (only `lo`, no TCP
    /// sockets): the peer changes sysctls and nftables and binds fixed ports,
    /// which must not touch the host's namespace.
    static func requireFresh() throws {
        let advice = "run it in a new network namespace: ip netns add NS; ip netns exec NS tcpstates-testpeer ..."
        let interfaces = try readFile("/proc/self/net/dev").split(separator: "\n").dropFirst(2)
            .compactMap { $0.split(separator: ":").first?.trimmingWhitespace }
        guard interfaces == ["lo"] else {
            throw PeerError("this network namespace has interfaces \(interfaces.joined(separator: ",")); \(advice)")
        }
        for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
            let rows = try readFile(table).split(separator: "\n").count - 1
            guard rows <= 0 else {
                throw PeerError("this network namespace already has \(rows) sockets in \(table); \(advice)")
            }
        }
    }

    private static func readFile(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw PeerError.system("open \(path)") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw PeerError.system("read \(path)") }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes a per-namespace sysctl, `path` relative to /proc/sys.
    static func setSysctl(_ path: String, _ value: String) throws {
        let fd = open("/proc/sys/" + path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw PeerError.system("open /proc/sys/\(path)") }
        defer { close(fd) }
        let bytes = Array((value + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            throw PeerError.system("write /proc/sys/\(path)")
        }
    }
}

/// SIGTERM and SIGINT are held pending until the peer waits for them, so that
/// the wait can tell them apart from EOF and the peer can clean up.
enum TerminationSignals {
    static let numbers = [SIGTERM, SIGINT]

    /// Blocks SIGTERM and SIGINT (with a no-op handler behind them).
    static func block() {
        for number in numbers { signal(number) { _ in } }
        var set = sigset_t()
        sigemptyset(&set)
        for number in numbers { sigaddset(&set, number) }
        sigprocmask(SIG_BLOCK, &set, nil)
    }

    /// Gives a forked child the default dispositions back.
    static func restoreDefaults() {
        var set = sigset_t()
        sigemptyset(&set)
        for number in numbers {
            signal(number, SIG_DFL)
            sigaddset(&set, number)
        }
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// Returns at EOF (or an error) on stdin, or when SIGTERM or SIGINT arrives.
    static func waitForEOFOrSignal() {
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var readable = fd_set()
            readable.__fds_bits.0 = 1  // fd 0
            // pselect unblocks the signals only while it waits: EINTR means one came.
            if pselect(1, &readable, nil, nil, nil, &unblocked) < 0 { return }
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
        }
    }
}

extension Substring {
    fileprivate var trimmingWhitespace: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
