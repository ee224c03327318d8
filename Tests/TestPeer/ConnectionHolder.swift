import Glibc

/// `tcpstates-testpeer hold --connections N --port P`: N established loopback
/// connections (2N sockets) to 127.0.0.1:P, for benchmarks.
///
/// One process may hold 20000 files at most (a hard limit), so worker
/// processes hold the connections, at most `perWorker` each. Clients come
/// from 127.0.0.2, 127.0.0.3, ... so that no source address runs out of
/// ephemeral ports. Every socket lingers 0 s: when the holder stops, the
/// connections are reset instead of leaving N TIME_WAIT sockets behind in the
/// machine-wide hash table for a minute.
enum ConnectionHolder {
    struct UsageError: Error { let message: String }

    struct Options {
        var connections = 0
        var port: UInt16 = 0
        /// Extra listeners on port + 1, port + 2, ...
        var listeners = 0
        /// TIME_WAIT sockets to the first extra listener (port + 1).
        var timeWait = 0

        init(parsing arguments: [String]) throws {
            var rest = arguments[...]
            var sawConnections = false, sawPort = false
            while let flag = rest.popFirst() {
                guard let value = rest.popFirst() else { throw UsageError(message: "\(flag) needs a value") }
                switch flag {
                case "--connections":
                    guard let n = Int(value), (0...ConnectionHolder.maxConnections).contains(n) else {
                        throw UsageError(message: "--connections wants 0-\(ConnectionHolder.maxConnections), got \(value)")
                    }
                    connections = n
                    sawConnections = true
                case "--port":
                    guard let p = UInt16(value), p > 0 else {
                        throw UsageError(message: "--port wants 1-65535, got \(value)")
                    }
                    port = p
                    sawPort = true
                case "--listeners", "--time-wait":
                    guard let n = Int(value), (0...20_000).contains(n) else {
                        throw UsageError(message: "\(flag) wants 0-20000, got \(value)")
                    }
                    if flag == "--listeners" { listeners = n } else { timeWait = n }
                default:
                    throw UsageError(message: "unknown option \(flag)")
                }
            }
            guard sawConnections, sawPort else { throw UsageError(message: "--connections and --port are required") }
            guard timeWait == 0 || listeners > 0 else { throw UsageError(message: "--time-wait needs --listeners 1 or more") }
            guard Int(port) + listeners <= 65535 else { throw UsageError(message: "--listeners goes past port 65535") }
        }
    }

    /// Connections one worker holds: 2 files each, well under the 20000 limit.
    static let perWorker = 4000
    /// Connections from one client address: connect() searches the 28232
    /// ephemeral ports for a free one, which gets slow as they fill up.
    static let perClientAddress = 5000
    /// Client addresses run from 127.0.0.2 to 127.0.0.201.
    static let maxConnections = 200 * perClientAddress

    static func run(_ options: Options) throws {
        try raiseFileLimit(to: 2 * perWorker + 64)
        let server = Endpoint("127.0.0.1", options.port)
        let listener = try TCPSocket(family: .ipv4, label: "listener \(server)")
        try listener.setOption(level: SOL_SOCKET, name: SO_REUSEADDR, value: 1, "SO_REUSEADDR")
        try listener.bind(server)
        try listener.listen(backlog: 4096)

        // Workers exit when they read EOF here, that is when the holder is gone.
        var control: [Int32] = [-1, -1]
        guard makePipe(&control) else { throw PeerError.system("pipe") }
        var workers: [pid_t] = []
        defer { stop(workers) }

        var first = 0
        while first < options.connections {
            let count = min(perWorker, options.connections - first)
            workers.append(try startWorker(first: first, count: count, server: server,
                                           listener: listener, control: control))
            first += count
        }
        let extras = try ExtraSockets.listeners(from: options.port + 1, count: options.listeners)
        if let first = extras.first {
            try ExtraSockets.timeWait(count: options.timeWait, to: first, at: Endpoint("127.0.0.1", options.port + 1))
        }
        writeAll(1, "READY\n")
        TerminationSignals.waitForEOFOrSignal()
    }

    /// Forks a worker holding connections `first ..< first + count` and waits
    /// until it reports them up.
    private static func startWorker(
        first: Int, count: Int, server: Endpoint, listener: TCPSocket, control: [Int32]
    ) throws -> pid_t {
        try HeldChild.fork(control) { _ in
            try holdConnections(first: first, count: count, server: server, listener: listener)
            listener.close()
        }
    }

    private static func holdConnections(first: Int, count: Int, server: Endpoint, listener: TCPSocket) throws {
        for index in first ..< first + count {
            let source = "127.0.0.\(2 + index / perClientAddress)"
            let client = try TCPSocket(family: .ipv4, label: "connection \(index) from \(source)")
            try client.setOption(level: Int32(IPPROTO_IP), name: IP_BIND_ADDRESS_NO_PORT, value: 1,
                                 "IP_BIND_ADDRESS_NO_PORT")
            try lingerZero(client)
            try client.bind(Endpoint(source, 0))
            try client.connect(server)
            let accepted = try listener.accept(timeout: 5, label: "connection \(index)")
            try lingerZero(accepted)
        }
    }

    private static func lingerZero(_ socket: TCPSocket) throws {
        var value = linger(l_onoff: 1, l_linger: 0)
        guard setsockopt(socket.fd, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size)) == 0
        else { throw PeerError.system("SO_LINGER on \(socket.label)") }
    }

    private static func stop(_ workers: [pid_t]) {
        for pid in workers { kill(pid, SIGTERM) }
        for pid in workers {
            var code: Int32 = 0
            while waitpid(pid, &code, 0) < 0 && errno == EINTR {}
        }
    }

    private static func raiseFileLimit(to wanted: Int) throws {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limit) == 0 else { throw PeerError.system("getrlimit") }
        guard limit.rlim_max >= rlim_t(wanted) else {
            throw PeerError("the open files hard limit \(limit.rlim_max) is below the \(wanted) a worker needs")
        }
        if limit.rlim_cur < rlim_t(wanted) {
            limit.rlim_cur = rlim_t(wanted)
            guard setrlimit(resource, &limit) == 0 else { throw PeerError.system("setrlimit") }
        }
    }
}
