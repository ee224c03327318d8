#if canImport(Glibc)
import Glibc
#endif

extension ByteWriter {
    /// An address as ss and inet_ntop print it: `127.0.0.1`, `::1`, `::ffff:127.0.0.1`.
    public func append(address: IPAddress) {
        if address.family == .ipv4 {
            let value = UInt32(truncatingIfNeeded: address.low)
            append(decimal: UInt64(value >> 24))
            append(UInt8(ascii: "."))
            append(decimal: UInt64(value >> 16 & 0xFF))
            append(UInt8(ascii: "."))
            append(decimal: UInt64(value >> 8 & 0xFF))
            append(UInt8(ascii: "."))
            append(decimal: UInt64(value & 0xFF))
            return
        }
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { bytes in
            bytes.storeBytes(of: address.high.bigEndian, toByteOffset: 0, as: UInt64.self)
            bytes.storeBytes(of: address.low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        var text = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &text) { buffer in
            let chars = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
            guard inet_ntop(AF_INET6, &raw, chars, socklen_t(buffer.count)) != nil else { return }
            append(UnsafeRawBufferPointer(start: buffer.baseAddress, count: strlen(chars)))
        }
    }

    /// An endpoint as in a table: `127.0.0.1:7000`, `[::1]:7000`.
    public func append(endpoint: Endpoint) {
        if endpoint.address.family == .ipv6 {
            append(UInt8(ascii: "["))
            append(address: endpoint.address)
            append(UInt8(ascii: "]"))
        } else {
            append(address: endpoint.address)
        }
        append(UInt8(ascii: ":"))
        append(decimal: UInt64(endpoint.port))
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
