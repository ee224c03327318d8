import Glibc

/// `tcpstates-testpeer owners`: sockets with known owners, for --processes,
/// --udp, --timers and --info (run in a fresh netns). Prints
/// `PID <role> <pid>` for each process, then READY, and holds everything
/// until stdin closes or SIGTERM:
///
/// - 127.0.0.1:7100 LISTEN, shared by `main` and its forked child `sharer`;
///   an ESTABLISHED pair to it (both ends in `main`) that exchanged data, the
///   client with keepalive armed;
/// - 127.0.0.1:7200 UDP UNCONN and a UDP client connected to it (`main`);
/// - 127.0.0.1:7300 LISTEN in `hostile`, a process named `\e[2Jevil\nname`;
/// - 127.0.0.1:7400 LISTEN in `nobody`, a process running as user nobody;
/// - 127.0.0.1:7500 LISTEN (`main`) and a TIME_WAIT socket from a closed connection to it.
enum OwnerHolder {
    static let hostileName: [UInt8] = Array("\u{1b}[2Jevil\nname".utf8)
    static let nobodyID: UInt32 = 65534

    static func run() throws {
        try Namespace.requireFresh()
        try Command.check(["ip", "link", "set", "lo", "up"])
        // Children exit when they read EOF here, that is when `main` is gone.
        var control: [Int32] = [-1, -1]
        guard makePipe(&control) else { throw PeerError.system("pipe") }
        var children: [(String, pid_t)] = []
        defer { for (_, pid) in children { kill(pid, SIGTERM); waitpid(pid, nil, 0) } }

        children.append(("hostile", try HeldChild.fork(control) { _ in
            try nameSelf(hostileName)
            _ = try listener(Endpoint("127.0.0.1", 7300))
        }))
        children.append(("nobody", try HeldChild.fork(control) { status in
            // A process that changed its uid is not dumpable, so not even its
            // own user could read its /proc/PID/fd: exec afresh as nobody.
            guard setgid(nobodyID) == 0, setuid(nobodyID) == 0 else { throw PeerError.system("setuid nobody") }
            guard dup2(control[0], 0) == 0, dup2(status, 1) == 1 else { throw PeerError.system("dup2") }
            let argv: [UnsafeMutablePointer<CChar>?] = [strdup("tcpstates-testpeer"), strdup("listen"), strdup("7400"), nil]
            execv("/proc/self/exe", argv)
            throw PeerError.system("exec tcpstates-testpeer listen")
        }))
        let shared = try listener(Endpoint("127.0.0.1", 7100))
        children.append(("sharer", try HeldChild.fork(control) { _ in }))

        let client = try TCPSocket(family: .ipv4, label: "client of 7100")
        try client.setOption(level: SOL_SOCKET, name: SO_KEEPALIVE, value: 1, "SO_KEEPALIVE")
        try client.setOption(level: Int32(IPPROTO_TCP), name: TCP_KEEPIDLE, value: 600, "TCP_KEEPIDLE")
        try client.connect(Endpoint("127.0.0.1", 7100))
        let server = try shared.accept(timeout: 5, label: "server of 7100")
        try client.send(byteCount: 1000)
        try server.send(byteCount: 2000)

        let udpServer = try udpSocket(bind: Endpoint("127.0.0.1", 7200))
        let udpClient = try udpSocket(bind: Endpoint("127.0.0.1", 0))
        let connected = try Endpoint("127.0.0.1", 7200).withSockaddr { connect(udpClient, $0, $1) }
        guard connected == 0 else { throw PeerError.system("connect UDP client") }
        _ = udpServer

        try holdTimeWait(listener(Endpoint("127.0.0.1", 7500)))

        var text = "PID main \(getpid())\n"
        for (role, pid) in children { text += "PID \(role) \(pid)\n" }
        writeAll(1, text + "READY\n")
        TerminationSignals.waitForEOFOrSignal()
    }

    /// `tcpstates-testpeer listen PORT`: the nobody child after its exec.
    /// Listens on 127.0.0.1:PORT, says R on stdout, holds it until stdin closes.
    static func listenUntilEOF(port: String) throws {
        guard let number = UInt16(port), number > 0 else { throw PeerError("listen wants a port, got \(port)") }
        _ = try listener(Endpoint("127.0.0.1", number))
        writeAll(1, "R")
        close(1)
        var byte: UInt8 = 0
        while read(0, &byte, 1) != 0 && errno == EINTR {}
    }

    private static func listener(_ endpoint: Endpoint) throws -> TCPSocket {
        try TCPSocket.listening(on: endpoint, backlog: 16)
    }

    private static func udpSocket(bind endpoint: Endpoint) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw PeerError.system("UDP socket") }
        guard try endpoint.withSockaddr({ bind(fd, $0, $1) }) == 0 else { throw PeerError.system("bind UDP \(endpoint)") }
        return fd
    }

    /// The client closes first, so the client's end goes to TIME_WAIT.
    private static func holdTimeWait(_ listener: TCPSocket) throws {
        let client = try TCPSocket(family: .ipv4, label: "client of 7500")
        try client.connect(Endpoint("127.0.0.1", 7500))
        let server = try listener.accept(timeout: 5, label: "server of 7500")
        try client.shutdownWrite()
        try client.waitFor(.finWait2)
        server.close()
        client.close()
        // The listener stays open: a TIME_WAIT socket needs nothing else.
    }

    /// Sets the process name (what /proc/PID/comm and ss show).
    private static func nameSelf(_ name: [UInt8]) throws {
        let fd = open("/proc/self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw PeerError.system("open /proc/self/comm") }
        defer { close(fd) }
        guard write(fd, name, name.count) == name.count else { throw PeerError.system("write /proc/self/comm") }
    }
}
