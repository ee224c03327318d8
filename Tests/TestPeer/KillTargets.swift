import Glibc

/// `tcpstates-testpeer kill-targets --port P --count N`: sockets for the kill
/// tests, held by this process (run it in a fresh namespace):
///
/// - N CLOSE_WAIT sockets on 127.0.0.1:P and N on [::1]:P (their clients
///   closed; this process never closes the accepted sockets);
/// - N ESTABLISHED connections to 127.0.0.1:P+1, both ends held.
///
/// It prints `READY`, then answers each `errors` line on stdin with
/// `ERRORS <close-wait> <established>`: the SO_ERROR of every held socket
/// of each set, comma-separated errno names (`0` for none). It ends at EOF.
enum KillTargets {
    static func run(arguments: [String]) throws {
        guard arguments.count == 4, arguments[0] == "--port", let port = UInt16(arguments[1]), port > 0, port < 65535,
              arguments[2] == "--count", let count = Int(arguments[3]), (1...1000).contains(count) else {
            throw ConnectionHolder.UsageError(message: "kill-targets wants --port P --count N (1-1000)")
        }
        try Namespace.requireFresh()
        try Command.check(["ip", "link", "set", "lo", "up"])
        var closeWait: [TCPSocket] = []
        for address in ["127.0.0.1", "::1"] {
            let server = Endpoint(address, port)
            let listener = try TCPSocket.listening(on: server, backlog: 1024)
            for index in 0..<count {
                let client = try TCPSocket(family: server.family, label: "client \(index) of \(server)")
                try client.connect(server)
                let accepted = try listener.accept(timeout: 5, label: "accepted \(index) on \(server)")
                client.close()
                try accepted.waitFor(.closeWait)
                closeWait.append(accepted)
            }
        }
        var established: [TCPSocket] = []
        let server = Endpoint("127.0.0.1", port + 1)
        let listener = try TCPSocket.listening(on: server, backlog: 1024)
        for index in 0..<count {
            let client = try TCPSocket(family: .ipv4, label: "client \(index) of \(server)")
            try client.connect(server)
            let accepted = try listener.accept(timeout: 5, label: "accepted \(index) on \(server)")
            try accepted.waitFor(.established)
            established += [client, accepted]
        }
        writeAll(1, "READY\n")
        while let line = readLine(strippingNewline: true) {
            guard line == "errors" else { throw PeerError("unknown command '\(line)'") }
            writeAll(1, "ERRORS \(try errors(closeWait)) \(try errors(established))\n")
        }
    }

    /// SO_ERROR of each socket (which reading clears), as errno names.
    private static func errors(_ sockets: [TCPSocket]) throws -> String {
        try sockets.map { socket in
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(socket.fd, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else {
                throw PeerError.system("SO_ERROR on \(socket.label)")
            }
            switch code {
            case 0: return "0"
            case ECONNABORTED: return "ECONNABORTED"
            case ECONNRESET: return "ECONNRESET"
            case EPIPE: return "EPIPE"
            default: return "\(code)"
            }
        }.joined(separator: ",")
    }
}
