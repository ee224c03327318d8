import Glibc

/// `churn --port P --seconds S [--rate R]`: loopback connections opened and
/// closed one after the other for S seconds, R a second (as fast as one
/// process can without --rate), the way `burst` makes them (client closes
/// first, server closes on EOF). A connect that finds no free local port
/// (a narrow ip_local_port_range full of TIME_WAIT) waits and tries again.
/// Prints `CONNECTIONS N SECONDS S RATE R`.
enum Churn {
    struct Options {
        var port: UInt16 = 0
        var seconds = 0.0
        var rate: Double?

        init(parsing arguments: [String]) throws {
            var rest = arguments[...]
            while let flag = rest.popFirst() {
                guard let value = rest.popFirst() else { throw ConnectionHolder.UsageError(message: "\(flag) needs a value") }
                switch flag {
                case "--port":
                    guard let p = UInt16(value), p > 0 else {
                        throw ConnectionHolder.UsageError(message: "--port wants 1-65535, got \(value)")
                    }
                    port = p
                case "--seconds":
                    guard let s = Double(value), s > 0, s <= 600 else {
                        throw ConnectionHolder.UsageError(message: "--seconds wants 0-600, got \(value)")
                    }
                    seconds = s
                case "--rate":
                    guard let r = Double(value), r > 0, r <= 1_000_000 else {
                        throw ConnectionHolder.UsageError(message: "--rate wants a positive number, got \(value)")
                    }
                    rate = r
                default:
                    throw ConnectionHolder.UsageError(message: "unknown option \(flag)")
                }
            }
            guard port > 0, seconds > 0 else { throw ConnectionHolder.UsageError(message: "--port and --seconds are required") }
        }
    }

    static func run(_ options: Options) throws {
        let server = Endpoint(TraceWorkloads.ipv4, options.port)
        let listener = try TCPSocket(family: .ipv4, label: "listener \(server)")
        try listener.setOption(level: SOL_SOCKET, name: SO_REUSEADDR, value: 1, "SO_REUSEADDR")
        try listener.bind(server)
        try listener.listen(backlog: 1024)
        let start = Clock.now
        var count = 0
        while Clock.now - start < options.seconds {
            if let rate = options.rate {
                let due = start + Double(count) / rate
                let wait = due - Clock.now
                if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
            }
            try TraceWorkloads.openAndClose(to: server, via: listener, index: count)
            count += 1
        }
        let seconds = Clock.now - start
        usleep(100_000)  // the last ACKs cross loopback
        listener.close()
        writeAll(1, "CONNECTIONS \(count) SECONDS \(seconds) RATE \(Int(Double(count) / seconds))\n")
    }
}
