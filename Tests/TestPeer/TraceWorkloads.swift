import Glibc

/// Workloads for the trace tests and benchmarks: every arrow of the diagram
/// happens on known loopback endpoints.
enum TraceWorkloads {
    static let ipv4 = "127.0.0.1"

    /// `lifecycle --port P [--ipv6]`, in a fresh namespace: three scripted connections,
    /// then the peer exits. Prints `LISTENER <endpoint>` and
    /// `CONNECTION <name> <client> <server>` for each, then `DONE`.
    ///  - `shutdown` on P, client port P+100: the client shuts down writing
    ///    first, the server closes on EOF (the client reaches TIME_WAIT open).
    ///  - `orphan` on P, client port P+101: the client close()s first (its
    ///    FIN_WAIT_2 lives on as a kernel minisock that reaches TIME_WAIT).
    ///  - `simultaneous` on P+1, client port P+102: both send FIN while
    ///    nftables drops both directions; server->client passes first, so the
    ///    client goes through CLOSING.
    static func lifecycle(port: UInt16, address: String) throws {
        try Namespace.requireFresh()
        try Command.check(["ip", "link", "set", "lo", "up"])
        try Firewall.install(staticRules: [], pairs: [])
        let server = Endpoint(address, port)
        let serverSimultaneous = Endpoint(address, port + 1)
        let listener = try listen(server)
        let listenerSimultaneous = try listen(serverSimultaneous)
        var text = "LISTENER \(server)\nLISTENER \(serverSimultaneous)\n"

        let shutdownClient = Endpoint(address, port + 100)
        let first = try TCPSocket.connectedPair(shutdownClient, to: server, via: listener)
        try first.client.shutdownWrite()
        try first.server.waitFor(.closeWait)
        try first.client.waitFor(.finWait2)
        first.server.close()
        try first.client.waitFor(.close)  // its timewait socket took over
        first.client.close()
        text += "CONNECTION shutdown \(shutdownClient) \(server)\n"

        let orphanClient = Endpoint(address, port + 101)
        let second = try TCPSocket.connectedPair(orphanClient, to: server, via: listener)
        second.client.close()
        try second.server.waitFor(.closeWait)
        usleep(20_000)  // the orphan sits in FIN_WAIT_2 for a while
        second.server.close()
        text += "CONNECTION orphan \(orphanClient) \(server)\n"

        let simultaneousClient = Endpoint(address, port + 102)
        let third = try TCPSocket.connectedPair(simultaneousClient, to: serverSimultaneous, via: listenerSimultaneous)
        let (c, s) = (simultaneousClient.port, serverSimultaneous.port)
        try Firewall.drop((c, s), (s, c))
        try third.client.shutdownWrite()
        try third.server.shutdownWrite()
        try third.client.waitFor(.finWait1)
        try third.server.waitFor(.finWait1)
        try Firewall.pass((s, c))
        try third.client.waitFor(.closing, timeout: 20)
        try Firewall.pass((c, s))
        try third.client.waitFor(.close, timeout: 20)
        try third.server.waitFor(.close, timeout: 20)
        third.client.close()
        third.server.close()
        text += "CONNECTION simultaneous \(simultaneousClient) \(serverSimultaneous)\n"

        listener.close()
        listenerSimultaneous.close()
        writeAll(1, text + "DONE\n")
    }

    /// `burst --port P --connections N`: N loopback connections opened and
    /// closed one after the other as fast as one process can (client closes
    /// first, server closes on EOF): 10 transitions each, plus the
    /// listener's 2. Prints `CONNECTIONS N SECONDS S RATE R`.
    static func burst(port: UInt16, connections: Int) throws {
        let server = Endpoint(ipv4, port)
        let listener = try TCPSocket(family: .ipv4, label: "listener \(server)")
        try listener.setOption(level: SOL_SOCKET, name: SO_REUSEADDR, value: 1, "SO_REUSEADDR")
        try listener.bind(server)
        try listener.listen(backlog: 1024)
        let start = Clock.now
        for index in 0..<connections {
            try openAndClose(to: server, via: listener, index: index)
        }
        let seconds = Clock.now - start
        usleep(100_000)  // the last ACKs cross loopback
        listener.close()
        let rate = Int(Double(connections) / seconds)
        writeAll(1, "CONNECTIONS \(connections) SECONDS \(seconds) RATE \(rate)\n")
    }

    /// One connection to `server`: connect, accept, the client closes, the
    /// server closes on EOF. A connect that finds no free local port waits
    /// 20 ms and tries again (a narrow port range full of TIME_WAIT).
    static func openAndClose(to server: Endpoint, via listener: TCPSocket, index: Int) throws {
        var client = try TCPSocket(family: .ipv4, label: "client \(index)")
        while true {
            do {
                try client.connect(server)
                break
            } catch let error as PeerError where error.systemError == EADDRNOTAVAIL {
                client.close()
                usleep(20_000)
                client = try TCPSocket(family: .ipv4, label: "client \(index)")
            }
        }
        let accepted = try listener.accept(timeout: 5, label: "connection \(index)")
        client.close()
        // EOF: the client's FIN has arrived, the server is in CLOSE_WAIT.
        var byte: UInt8 = 0
        while recv(accepted.fd, &byte, 1, 0) < 0 && errno == EINTR {}
        accepted.close()
    }

    /// `close-after-shutdown --port P`: one loopback connection whose client
    /// shuts down writing, reaches FIN_WAIT_2, waits `pause` seconds and then
    /// close()s: the kernel sets FIN_WAIT2 again (a same-state change) and
    /// hands over to a FIN_WAIT2 timewait socket; the server then closes.
    /// Prints `CONNECTION <client> <server>`.
    static func closeAfterShutdown(port: UInt16, pause: Double = 0.1) throws {
        let server = Endpoint(ipv4, port)
        let listener = try listen(server)
        let client = Endpoint(ipv4, port + 100)
        let pair = try TCPSocket.connectedPair(client, to: server, via: listener)
        try pair.client.shutdownWrite()
        try pair.client.waitFor(.finWait2)
        usleep(UInt32(pause * 1_000_000))
        pair.client.close()
        try pair.server.waitFor(.closeWait)
        pair.server.close()
        usleep(100_000)  // the last ACK crosses loopback
        listener.close()
        writeAll(1, "CONNECTION \(client) \(server)\n")
    }

    private static func listen(_ endpoint: Endpoint) throws -> TCPSocket {
        let socket = try TCPSocket(family: endpoint.family, label: "listener \(endpoint)")
        try socket.bind(endpoint)
        try socket.listen(backlog: 16)
        return socket
    }
}
