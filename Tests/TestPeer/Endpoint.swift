import Glibc

/// An address and port, printed the way tcpstates and ss print them:
/// `127.0.0.1:7000`, `[::1]:7000`, `[::ffff:127.0.0.1]:40002`.
struct Endpoint: Hashable, CustomStringConvertible {
    enum Family { case ipv4, ipv6 }

    let address: String
    let port: UInt16

    init(_ address: String, _ port: UInt16) {
        self.address = address
        self.port = port
    }

    var family: Family { address.contains(":") ? .ipv6 : .ipv4 }

    var description: String {
        family == .ipv4 ? "\(address):\(port)" : "[\(address)]:\(port)"
    }

    /// The remote endpoint printed for a socket with no peer, in `family`.
    static func unspecified(_ family: Family) -> Endpoint {
        family == .ipv4 ? Endpoint("0.0.0.0", 0) : Endpoint("::", 0)
    }

    /// Calls `body` with this endpoint as a `sockaddr_in` or `sockaddr_in6`.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) throws -> R {
        switch family {
        case .ipv4:
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            guard inet_pton(AF_INET, address, &sin.sin_addr) == 1 else {
                throw PeerError("bad IPv4 address \(address)")
            }
            return try withUnsafePointer(to: &sin) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .ipv6:
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, address, &sin6.sin6_addr) == 1 else {
                throw PeerError("bad IPv6 address \(address)")
            }
            return try withUnsafePointer(to: &sin6) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }
}
