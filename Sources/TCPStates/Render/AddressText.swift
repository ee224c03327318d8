#if canImport(Glibc)
import Glibc
#endif

extension ByteCursor {
    /// The most bytes `append(address:)` writes (INET6_ADDRSTRLEN, its NUL included).
    public static let maxAddressLength = 46
    /// The most bytes `append(endpoint:)` writes: `[` address `]:65535`.
    public static let maxEndpointLength = maxAddressLength + 8

    /// An address as ss and inet_ntop print it: `127.0.0.1`, `::1`, `::ffff:127.0.0.1`.
    @inline(__always)
    public mutating func append(address: IPAddress) {
        if address.family == .ipv4 {
            append(ipv4: UInt32(truncatingIfNeeded: address.low))
        } else {
            appendIPv6(address)
        }
    }

    /// IPv6 is rare in big listings and its compression rules are subtle:
    /// inet_ntop writes it straight into the reserved room.
    private mutating func appendIPv6(_ address: IPAddress) {
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { bytes in
            bytes.storeBytes(of: address.high.bigEndian, toByteOffset: 0, as: UInt64.self)
            bytes.storeBytes(of: address.low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        reserve(Self.maxAddressLength)
        let text = UnsafeMutableRawPointer(position).assumingMemoryBound(to: CChar.self)
        guard inet_ntop(AF_INET6, &raw, text, socklen_t(Self.maxAddressLength)) != nil else { return }
        skip(strlen(text))
    }

    /// An endpoint as in a table: `127.0.0.1:7000`, `[::1]:7000`.
    @inline(__always)
    public mutating func append(endpoint: Endpoint) {
        if endpoint.address.family == .ipv6 {
            append(UInt8(ascii: "["))
            appendIPv6(endpoint.address)
            append(UInt8(ascii: "]"))
        } else {
            append(ipv4: UInt32(truncatingIfNeeded: endpoint.address.low))
        }
        append(UInt8(ascii: ":"))
        append(decimal: UInt64(endpoint.port))
    }
}

extension ByteWriter {
    /// An address as ss and inet_ntop print it: `127.0.0.1`, `::1`, `::ffff:127.0.0.1`.
    public func append(address: IPAddress) {
        write(atMost: ByteCursor.maxAddressLength) { $0.append(address: address) }
    }

    /// An endpoint as in a table: `127.0.0.1:7000`, `[::1]:7000`.
    public func append(endpoint: Endpoint) {
        write(atMost: ByteCursor.maxEndpointLength) { $0.append(endpoint: endpoint) }
    }
}

extension IPAddress: CustomStringConvertible {
    /// The address as printed: `127.0.0.1`, `::1`.
    public var description: String {
        let writer = ByteWriter(threshold: .max) { _ in }
        writer.append(address: self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
