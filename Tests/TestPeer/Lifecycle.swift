import Glibc

/// `tcpstates-testpeer lifecycle --port P`: one loopback listener on
/// 127.0.0.1:P and connections driven by commands on stdin, one a line, each
/// answered by one line on stdout once done:
///
///     connect        CONNECTED <client> <server side>   (ESTABLISHED both)
///     close-client   CLIENT-CLOSED                      (server side in CLOSE_WAIT)
///     close-server   SERVER-CLOSED
///     flash          FLASHED <client> <server side>     (a connection closed after 10 ms)
///     open N         OPENED N                           (N more connections, held)
///
/// Run it in a fresh namespace; it ends at EOF on stdin.
enum Lifecycle {
    static func run(arguments: [String]) throws {
        guard arguments.count == 2, arguments[0] == "--port", let port = UInt16(arguments[1]), port > 0 else {
            throw ConnectionHolder.UsageError(message: "lifecycle wants --port P")
        }
        try Namespace.requireFresh()
        try Command.check(["ip", "link", "set", "lo", "up"])
        let server = Endpoint("127.0.0.1", port)
        let listener = try TCPSocket(family: .ipv4, label: "listener \(server)")
        try listener.setOption(level: SOL_SOCKET, name: SO_REUSEADDR, value: 1, "SO_REUSEADDR")
        try listener.bind(server)
        try listener.listen(backlog: 1024)
        writeAll(1, "READY \(server)\n")

        var current: (client: TCPSocket, accepted: TCPSocket)?
        var held: [TCPSocket] = []
        while let line = readLine(strippingNewline: true) {
            let words = line.split(separator: " ")
            switch (words.first, words.count) {
            case ("connect", 1):
                let pair = try connect(server, listener)
                current = pair
                writeAll(1, "CONNECTED \(try localEndpoint(pair.client)) \(try localEndpoint(pair.accepted))\n")
            case ("close-client", 1):
                guard let pair = current else { throw PeerError("close-client before connect") }
                pair.client.close()
                try pair.accepted.waitFor(.closeWait)
                writeAll(1, "CLIENT-CLOSED\n")
            case ("close-server", 1):
                guard let pair = current else { throw PeerError("close-server before connect") }
                pair.accepted.close()
                current = nil
                writeAll(1, "SERVER-CLOSED\n")
            case ("flash", 1):
                let pair = try connect(server, listener)
                let text = "\(try localEndpoint(pair.client)) \(try localEndpoint(pair.accepted))"
                usleep(10_000)
                pair.client.close()
                try pair.accepted.waitFor(.closeWait)
                pair.accepted.close()
                writeAll(1, "FLASHED \(text)\n")
            case ("open", 2):
                guard let count = Int(words[1]), (0...5000).contains(count) else { throw PeerError("open wants 0-5000") }
                for _ in 0..<count {
                    let pair = try connect(server, listener)
                    held += [pair.client, pair.accepted]
                }
                writeAll(1, "OPENED \(count)\n")
            default:
                throw PeerError("unknown command '\(line)'")
            }
        }
    }

    private static func connect(_ server: Endpoint, _ listener: TCPSocket) throws -> (client: TCPSocket, accepted: TCPSocket) {
        let client = try TCPSocket(family: .ipv4, label: "client of \(server)")
        try client.connect(server)
        let accepted = try listener.accept(timeout: 5, label: "accepted from \(client.label)")
        return (client, accepted)
    }

    /// The socket's own address and port, as tcpstates prints it.
    private static func localEndpoint(_ socket: TCPSocket) throws -> Endpoint {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket.fd, $0, &length) }
        }
        guard rc == 0 else { throw PeerError.system("getsockname on \(socket.label)") }
        let value = UInt32(bigEndian: address.sin_addr.s_addr)
        let text = "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        return Endpoint(text, UInt16(bigEndian: address.sin_port))
    }
}
