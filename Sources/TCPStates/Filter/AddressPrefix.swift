#if canImport(Glibc)
import Glibc
#endif

/// An address or network, as given to `--local`, `--remote` and `--addr`:
/// `127.0.0.1`, `10.0.0.0/8`, `::1`, `[::1]`, `fe80::/10`.
public struct AddressPrefix: Hashable, Sendable {
    public let address: IPAddress
    public let length: Int

    public init(address: IPAddress, length: Int) {
        self.address = address
        self.length = length
    }

    /// Parses `ADDR` or `ADDR/PREFIX`.
    public init(parsing text: String) throws(FilterError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        var host = parts[0]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard let address = IPAddress(parsing: String(host)) else {
            throw FilterError("'\(text)' is not an address: expected an IPv4 or IPv6 address, optionally /PREFIX")
        }
        let maximum = address.family == .ipv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(parts[1]), value <= maximum
            else {
                throw FilterError("'\(text)' has a bad prefix length: expected /0 to /\(maximum)")
            }
            length = value
        }
        self.init(address: address, length: length)
    }

    /// True when `candidate` is in this network. An IPv4 network also matches
    /// IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1` is 127.0.0.1).
    public func contains(_ candidate: IPAddress) -> Bool {
        var candidate = candidate
        if address.family == .ipv4, candidate.family == .ipv6 {
            guard let mapped = candidate.ipv4Mapped else { return false }
            candidate = mapped
        }
        guard candidate.family == address.family else { return false }
        if address.family == .ipv4 {
            let mask: UInt64 = length == 0 ? 0 : (0xFFFF_FFFF << (32 - length)) & 0xFFFF_FFFF
            return candidate.low & mask == address.low & mask
        }
        let highMask: UInt64 = length == 0 ? 0 : (length >= 64 ? ~0 : ~0 << (64 - length))
        let lowMask: UInt64 = length <= 64 ? 0 : (length == 128 ? ~0 : ~0 << (128 - length))
        return candidate.high & highMask == address.high & highMask
            && candidate.low & lowMask == address.low & lowMask
    }
}

extension IPAddress {
    /// Parses an IPv4 dotted quad or an IPv6 address in any text form inet_pton accepts.
    public init?(parsing text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(ipv4: UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let words = withUnsafeBytes(of: &v6) { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        self.init(ipv6High: UInt64(bigEndian: words.0), low: UInt64(bigEndian: words.1))
    }
}
