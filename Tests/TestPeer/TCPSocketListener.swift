import Glibc

extension TCPSocket {
    /// A listener on `endpoint` (SO_REUSEADDR, so that a quick rerun binds again).
    static func listening(on endpoint: Endpoint, backlog: Int32) throws -> TCPSocket {
        let socket = try TCPSocket(family: endpoint.family, label: "listener \(endpoint)")
        try socket.setOption(level: SOL_SOCKET, name: SO_REUSEADDR, value: 1, "SO_REUSEADDR")
        try socket.bind(endpoint)
        try socket.listen(backlog: backlog)
        return socket
    }
}
