import Glibc

/// Kernel TCP state numbers (include/net/tcp_states.h) that TCP_INFO reports
/// for a socket the peer owns.
enum KernelTCPState: UInt8, CustomStringConvertible {
    case established = 1, synSent, synRecv, finWait1, finWait2, timeWait, close,
        closeWait, lastAck, listen, closing

    var description: String {
        switch self {
        case .established: "ESTABLISHED"
        case .synSent: "SYN_SENT"
        case .synRecv: "SYN_RECV"
        case .finWait1: "FIN_WAIT1"
        case .finWait2: "FIN_WAIT2"
        case .timeWait: "TIME_WAIT"
        case .close: "CLOSE"
        case .closeWait: "CLOSE_WAIT"
        case .lastAck: "LAST_ACK"
        case .listen: "LISTEN"
        case .closing: "CLOSING"
        }
    }
}

/// A TCP socket file descriptor. Nothing closes it implicitly: the peer holds
/// its sockets until it exits.
struct TCPSocket {
    let fd: Int32
    /// What the socket is, for error messages (`127.0.0.1:40030->127.0.0.1:7030`).
    var label: String

    init(family: Endpoint.Family, label: String) throws {
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw PeerError.system("socket for \(label)") }
        self.fd = fd
        self.label = label
    }

    private init(fd: Int32, label: String) {
        self.fd = fd
        self.label = label
    }

    func setOption(level: Int32, name: Int32, value: Int32, _ what: String) throws {
        var value = value
        guard setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw PeerError.system("\(what) on \(label)")
        }
    }

    /// Lets an IPv6 socket reach IPv4 peers through `::ffff:a.b.c.d`.
    func allowIPv4Mapped() throws {
        try setOption(level: Int32(IPPROTO_IPV6), name: IPV6_V6ONLY, value: 0, "IPV6_V6ONLY")
    }

    func bind(_ endpoint: Endpoint) throws {
        let rc = try endpoint.withSockaddr { Glibc.bind(fd, $0, $1) }
        guard rc == 0 else { throw PeerError.system("bind \(endpoint) for \(label)") }
    }

    func listen(backlog: Int32) throws {
        guard Glibc.listen(fd, backlog) == 0 else { throw PeerError.system("listen on \(label)") }
    }

    /// Connects and waits for the handshake (the socket stays blocking).
    func connect(_ endpoint: Endpoint) throws {
        while true {
            let rc = try endpoint.withSockaddr { Glibc.connect(fd, $0, $1) }
            if rc == 0 { return }
            if errno == EINTR { continue }
            throw PeerError.system("connect \(label)")
        }
    }

    /// Sends the SYN and returns at once (the socket becomes non-blocking).
    func startConnect(_ endpoint: Endpoint) throws {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else {
            throw PeerError.system("O_NONBLOCK on \(label)")
        }
        let rc = try endpoint.withSockaddr { Glibc.connect(fd, $0, $1) }
        guard rc == 0 || errno == EINPROGRESS else { throw PeerError.system("connect \(label)") }
    }

    /// Accepts one connection, failing after `timeout` seconds.
    func accept(timeout: Double, label: String) throws -> TCPSocket {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, Int32(timeout * 1000))
        guard ready > 0 else {
            throw ready == 0
                ? PeerError("no connection to accept for \(label) within \(timeout) s")
                : PeerError.system("poll on \(self.label)")
        }
        let client = Glibc.accept(fd, nil, nil)
        guard client >= 0 else { throw PeerError.system("accept for \(label)") }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        return TCPSocket(fd: client, label: label)
    }

    func send(byteCount: Int) throws {
        let bytes = [UInt8](repeating: 0x61, count: byteCount)
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == byteCount else { throw PeerError.system("send on \(label)") }
    }

    func shutdownWrite() throws {
        guard shutdown(fd, Int32(SHUT_WR)) == 0 else { throw PeerError.system("shutdown on \(label)") }
    }

    func close() {
        _ = Glibc.close(fd)
    }

    /// The state TCP_INFO reports right now.
    func kernelState() throws -> UInt8 {
        var info = tcp_info()
        var length = socklen_t(MemoryLayout<tcp_info>.size)
        guard getsockopt(fd, Int32(IPPROTO_TCP), TCP_INFO, &info, &length) == 0 else {
            throw PeerError.system("TCP_INFO on \(label)")
        }
        return info.tcpi_state
    }

    /// Polls TCP_INFO until the socket is in `state`, failing after `timeout` seconds.
    func waitFor(_ state: KernelTCPState, timeout: Double = 10) throws {
        let deadline = Clock.now + timeout
        while true {
            let current = try kernelState()
            if current == state.rawValue { return }
            if Clock.now > deadline {
                let name = KernelTCPState(rawValue: current)?.description ?? "state \(current)"
                throw PeerError("\(label) is still \(name) after \(timeout) s, expected \(state)")
            }
            usleep(2_000)
        }
    }
}

/// Monotonic seconds.
enum Clock {
    static var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// pipe(2) with both ends close-on-exec (Swift's Glibc module has no pipe2).
func makePipe(_ fds: inout [Int32]) -> Bool {
    guard pipe(&fds) == 0 else { return false }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return true
}
