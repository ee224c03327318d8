extension TCPSocket {
    /// A connection from `client` to the listener on `server`, both ends
    /// ESTABLISHED; an IPv4-mapped client address is allowed on its IPv6 socket.
    static func connectedPair(_ client: Endpoint, to server: Endpoint, via listener: TCPSocket)
        throws -> (client: TCPSocket, server: TCPSocket)
    {
        let socket = try TCPSocket(family: client.family, label: "\(client)->\(server)")
        if client.address == StateHolder.mapped { try socket.allowIPv4Mapped() }
        try socket.bind(client)
        try socket.connect(server)
        let accepted = try listener.accept(timeout: 5, label: "\(server)<-\(client)")
        try socket.waitFor(.established)
        try accepted.waitFor(.established)
        return (socket, accepted)
    }
}
