import Glibc

/// The listeners and TIME_WAIT sockets that `hold` adds around its
/// established connections, so that benchmarks list a realistic mix and a
/// port filter has a port with few sockets to find.
enum ExtraSockets {
    /// Listens on ports `first ..< first + count` of 127.0.0.1; the sockets
    /// stay open as long as the returned values live.
    static func listeners(from first: UInt16, count: Int) throws -> [TCPSocket] {
        try (0..<count).map { offset in
            let endpoint = Endpoint("127.0.0.1", first + UInt16(offset))
            let listener = try TCPSocket(family: .ipv4, label: "extra listener \(endpoint)")
            try listener.setOption(level: SOL_SOCKET, name: SO_REUSEADDR, value: 1, "SO_REUSEADDR")
            try listener.bind(endpoint)
            try listener.listen(backlog: 128)
            return listener
        }
    }

    /// Leaves `count` TIME_WAIT sockets to `listener`: the client closes
    /// first, so its side waits out the kernel's 60 s. No file stays open.
    static func timeWait(count: Int, to listener: TCPSocket, at server: Endpoint) throws {
        for index in 0..<count {
            let client = try TCPSocket(family: .ipv4, label: "time-wait client \(index)")
            try client.connect(server)
            let accepted = try listener.accept(timeout: 5, label: "time-wait connection \(index)")
            client.close()
            // Answering the FIN with ours moves the client from FIN_WAIT_2 to TIME_WAIT.
            var byte: UInt8 = 0
            while read(accepted.fd, &byte, 1) > 0 {}
            accepted.close()
        }
    }
}
