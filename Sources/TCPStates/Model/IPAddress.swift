/// The address family of a socket.
public enum AddressFamily: UInt8, Sendable, Hashable {
    case ipv4 = 2   // AF_INET
    case ipv6 = 10  // AF_INET6

    /// The name used in JSON: `ipv4` or `ipv6`.
    public var name: String { self == .ipv4 ? "ipv4" : "ipv6" }
}

/// An IPv4 or IPv6 address, held as its network-order bytes read as one
/// big-endian 128-bit number (`high`, `low`), so that comparing numbers
/// compares addresses and prefixes are masks. An IPv4 address is in the low
/// 32 bits of `low`.
public struct IPAddress: Hashable, Sendable, Comparable {
    public let family: AddressFamily
    public let high: UInt64
    public let low: UInt64

    /// An IPv4 address from its value in network order read as a number
    /// (127.0.0.1 is 0x7F00_0001).
    public init(ipv4 value: UInt32) {
        family = .ipv4
        high = 0
        low = UInt64(value)
    }

    /// An IPv6 address from its 128 bits, most significant first.
    public init(ipv6High high: UInt64, low: UInt64) {
        family = .ipv6
        self.high = high
        self.low = low
    }

    /// The unspecified address of a family (`0.0.0.0` or `::`).
    public static func any(_ family: AddressFamily) -> IPAddress {
        family == .ipv4 ? IPAddress(ipv4: 0) : IPAddress(ipv6High: 0, low: 0)
    }

    /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`).
    public var ipv4Mapped: IPAddress? {
        guard family == .ipv6, high == 0, low >> 32 == 0xFFFF else { return nil }
        return IPAddress(ipv4: UInt32(truncatingIfNeeded: low))
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        if a.family != b.family { return a.family.rawValue < b.family.rawValue }
        return a.high != b.high ? a.high < b.high : a.low < b.low
    }
}

/// One side of a connection: an address and a port.
public struct Endpoint: Hashable, Sendable, Comparable {
    public let address: IPAddress
    public let port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public static func < (a: Endpoint, b: Endpoint) -> Bool {
        a.address != b.address ? a.address < b.address : a.port < b.port
    }
}
