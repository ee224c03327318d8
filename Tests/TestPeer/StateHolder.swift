import Glibc

/// One socket that exists in the namespace, as the ground truth line
/// `SOCKET <state> <local> <remote>` prints it.
struct HeldSocket {
    let state: String
    let local: Endpoint
    let remote: Endpoint
}

/// `tcpstates-testpeer states`: holds real loopback sockets in every state of
/// the TCP diagram and prints the complete set of sockets in the namespace.
///
/// Each scenario uses its own server port and a fixed client port, so that the
/// firewall can drop one direction of one connection by its port pair. The
/// sockets that expire (TIME_WAIT and the orphaned FIN_WAIT_2, 60 s each) are
/// made last.
struct StateHolder {
    enum Port {
        static let main: UInt16 = 7000          // LISTEN v4 and v6; ESTABLISHED pairs
        static let synSent: UInt16 = 7010        // nothing listens; the SYN is dropped
        static let synReceived: UInt16 = 7020
        static let finWait1: UInt16 = 7030
        static let finWait2: UInt16 = 7040
        static let lastAck: UInt16 = 7050
        static let timeWait: UInt16 = 7060
        static let closing: UInt16 = 7070
        static let bound: UInt16 = 7080          // CLOSED: bind() only
        static let orphan: UInt16 = 7090         // FIN_WAIT_2 as a timewait minisock
        /// Client ports: 40000 + (server port - 7000), plus 40001/40002 for v6 and v4-mapped.
        static func client(_ server: UInt16) -> UInt16 { 40000 + server - 7000 }
    }

    static let v4 = "127.0.0.1"
    static let v6 = "::1"
    static let mapped = "::ffff:127.0.0.1"

    private var truth: [HeldSocket] = []

    static func run() throws {
        try Namespace.requireFresh()
        // Keep SYN_SENT and SYN_RCVD for many minutes instead of about one and two.
        try Namespace.setSysctl("net/ipv4/tcp_syn_retries", "10")
        try Namespace.setSysctl("net/ipv4/tcp_synack_retries", "10")
        try Command.check(["ip", "link", "set", "lo", "up"])
        let synReceivedRule = "tcp sport \(Port.client(Port.synReceived)) tcp dport \(Port.synReceived) "
            + "tcp flags & syn == 0 drop"
        try Firewall.install(
            staticRules: [synReceivedRule],
            pairs: [(Port.client(Port.synSent), Port.synSent)])

        var holder = StateHolder()
        try holder.holdAll()
        try SSCheck.verify(holder.truth)

        var text = ""
        for socket in holder.truth {
            text += "SOCKET \(socket.state) \(socket.local) \(socket.remote)\n"
        }
        text += "READY\n"
        writeAll(1, text)
        TerminationSignals.waitForEOFOrSignal()
        exit(0)
    }

    private mutating func record(_ state: String, _ local: Endpoint, _ remote: Endpoint) {
        truth.append(HeldSocket(state: state, local: local, remote: remote))
    }

    private mutating func listener(_ endpoint: Endpoint) throws -> TCPSocket {
        let socket = try TCPSocket(family: endpoint.family, label: "listener \(endpoint)")
        try socket.bind(endpoint)
        try socket.listen(backlog: 128)
        record("LISTEN", endpoint, .unspecified(endpoint.family))
        return socket
    }

    private mutating func holdAll() throws {
        let main4 = try listener(Endpoint(Self.v4, Port.main))
        let main6 = try listener(Endpoint(Self.v6, Port.main))
        var listeners: [UInt16: TCPSocket] = [:]
        for port in [Port.synReceived, Port.finWait1, Port.finWait2, Port.lastAck, Port.timeWait,
                     Port.closing, Port.orphan] {
            listeners[port] = try listener(Endpoint(Self.v4, port))
        }

        try holdClosed()
        try holdEstablished(main4: main4, main6: main6)
        try holdSynSent()
        try holdSynReceived()
        try holdFinWait1(listeners[Port.finWait1]!)
        try holdFinWait2(listeners[Port.finWait2]!)
        try holdClosing(listeners[Port.closing]!)
        // These expire 60 s from now.
        try holdLastAck(listeners[Port.lastAck]!)
        try holdTimeWait(listeners[Port.timeWait]!)
        try holdOrphanFinWait2(listeners[Port.orphan]!)
    }

    /// CLOSED: bound, never listened or connected (TCP_BOUND_INACTIVE).
    private mutating func holdClosed() throws {
        for address in [Self.v4, Self.v6] {
            let endpoint = Endpoint(address, Port.bound)
            let socket = try TCPSocket(family: endpoint.family, label: "bound \(endpoint)")
            try socket.bind(endpoint)
            record("CLOSED", endpoint, .unspecified(endpoint.family))
        }
    }

    /// ESTABLISHED over IPv4, IPv6 and from an IPv6 socket through a v4-mapped
    /// address, with unread bytes so that queues are not all zero.
    private mutating func holdEstablished(main4: TCPSocket, main6: TCPSocket) throws {
        let server4 = Endpoint(Self.v4, Port.main)
        let client4 = Endpoint(Self.v4, 40000)
        let v4 = try TCPSocket.connectedPair(client4, to: server4, via: main4)
        try v4.client.send(byteCount: 5)
        record("ESTABLISHED", client4, server4)
        record("ESTABLISHED", server4, client4)

        let server6 = Endpoint(Self.v6, Port.main)
        let client6 = Endpoint(Self.v6, 40001)
        let v6 = try TCPSocket.connectedPair(client6, to: server6, via: main6)
        try v6.server.send(byteCount: 11)
        record("ESTABLISHED", client6, server6)
        record("ESTABLISHED", server6, client6)

        let clientMapped = Endpoint(Self.mapped, 40002)
        _ = try TCPSocket.connectedPair(clientMapped, to: Endpoint(Self.mapped, Port.main), via: main4)
        record("ESTABLISHED", clientMapped, Endpoint(Self.mapped, Port.main))
        record("ESTABLISHED", server4, Endpoint(Self.v4, 40002))
    }

    /// SYN_SENT: the SYN's port pair is in the drop set from the start.
    private mutating func holdSynSent() throws {
        let (client, server, socket) = try boundClient(Port.synSent)
        try socket.startConnect(server)
        try socket.waitFor(.synSent)
        record("SYN_SENT", client, server)
    }

    /// SYN_RCVD: a static rule drops every client segment without SYN, so the
    /// handshake's last ACK never arrives; the client end is ESTABLISHED.
    private mutating func holdSynReceived() throws {
        let (client, server, socket) = try boundClient(Port.synReceived)
        try socket.connect(server)
        try socket.waitFor(.established)
        record("ESTABLISHED", client, server)
        record("SYN_RCVD", server, client)
    }

    /// FIN_WAIT_1: the client's FIN (after 100 unsent bytes) is dropped.
    private mutating func holdFinWait1(_ listener: TCPSocket) throws {
        let (client, server) = endpoints(Port.finWait1)
        let pair = try TCPSocket.connectedPair(client, to: server, via: listener)
        try Firewall.drop((client.port, server.port))
        try pair.client.send(byteCount: 100)
        try pair.client.shutdownWrite()
        try pair.client.waitFor(.finWait1)
        try pair.server.waitFor(.established)
        record("FIN_WAIT_1", client, server)
        record("ESTABLISHED", server, client)
    }

    /// FIN_WAIT_2 and CLOSE_WAIT: the client shuts down writing, the server
    /// keeps its end open.
    private mutating func holdFinWait2(_ listener: TCPSocket) throws {
        let (client, server, _) = try halfClosed(Port.finWait2, via: listener)
        record("FIN_WAIT_2", client, server)
        record("CLOSE_WAIT", server, client)
    }

    /// CLOSING on the client, FIN_WAIT_1 on the server: both send FIN while
    /// both directions are dropped, then only server->client is let through.
    private mutating func holdClosing(_ listener: TCPSocket) throws {
        let (client, server) = endpoints(Port.closing)
        let pair = try TCPSocket.connectedPair(client, to: server, via: listener)
        try Firewall.drop((client.port, server.port), (server.port, client.port))
        try pair.client.shutdownWrite()
        try pair.server.shutdownWrite()
        try pair.client.waitFor(.finWait1)
        try pair.server.waitFor(.finWait1)
        try Firewall.pass((server.port, client.port))
        try pair.client.waitFor(.closing, timeout: 20)
        try pair.server.waitFor(.finWait1)
        record("CLOSING", client, server)
        record("FIN_WAIT_1", server, client)
    }

    /// LAST_ACK on the server and TIME_WAIT on the client: after FIN_WAIT_2
    /// was reached, client->server is dropped and the server closes.
    private mutating func holdLastAck(_ listener: TCPSocket) throws {
        let (client, server, pair) = try halfClosed(Port.lastAck, via: listener)
        try Firewall.drop((client.port, server.port))
        try pair.server.shutdownWrite()
        try pair.server.waitFor(.lastAck)
        // The client's full socket is CLOSE once its timewait minisock exists;
        // closing it leaves only the minisock.
        try pair.client.waitFor(.close)
        pair.client.close()
        record("TIME_WAIT", client, server)
        record("LAST_ACK", server, client)
    }

    /// TIME_WAIT: an ordinary active close by the client.
    private mutating func holdTimeWait(_ listener: TCPSocket) throws {
        let (client, server, pair) = try halfClosed(Port.timeWait, via: listener)
        pair.server.close()
        try pair.client.waitFor(.close)
        pair.client.close()
        record("TIME_WAIT", client, server)
    }

    /// FIN_WAIT_2 held by the kernel alone: the client close()s, so once its
    /// FIN is acknowledged it becomes a timewait minisock with substate
    /// FIN_WAIT2 (inode 0); the server stays CLOSE_WAIT.
    private mutating func holdOrphanFinWait2(_ listener: TCPSocket) throws {
        let (client, server) = endpoints(Port.orphan)
        let pair = try TCPSocket.connectedPair(client, to: server, via: listener)
        pair.client.close()
        try pair.server.waitFor(.closeWait)
        record("FIN_WAIT_2", client, server)
        record("CLOSE_WAIT", server, client)
    }

    /// The connection of the scenario on `serverPort` after the client shut
    /// down writing: FIN_WAIT_2 on the client, CLOSE_WAIT on the server.
    private func halfClosed(_ serverPort: UInt16, via listener: TCPSocket)
        throws -> (client: Endpoint, server: Endpoint, sockets: (client: TCPSocket, server: TCPSocket))
    {
        let (client, server) = endpoints(serverPort)
        let pair = try TCPSocket.connectedPair(client, to: server, via: listener)
        try pair.client.shutdownWrite()
        // The server acknowledges the FIN late (delayed ACK): wait for both ends.
        try pair.server.waitFor(.closeWait)
        try pair.client.waitFor(.finWait2)
        return (client, server, pair)
    }

    /// The client socket of the scenario on `serverPort`, bound, not connected.
    private func boundClient(_ serverPort: UInt16) throws -> (client: Endpoint, server: Endpoint, socket: TCPSocket) {
        let (client, server) = endpoints(serverPort)
        let socket = try TCPSocket(family: .ipv4, label: "\(client)->\(server)")
        try socket.bind(client)
        return (client, server, socket)
    }

    private func endpoints(_ serverPort: UInt16) -> (client: Endpoint, server: Endpoint) {
        (Endpoint(Self.v4, Port.client(serverPort)), Endpoint(Self.v4, serverPort))
    }
}

/// Writes all of `text` to `fd`, ignoring a reader that went away.
func writeAll(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}
