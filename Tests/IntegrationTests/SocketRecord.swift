import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An address and port as tcpstates and the peer print them.
struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    let address: String
    let port: Int

    init(address: String, port: Int) {
        self.address = address
        self.port = port
    }

    /// Parses `127.0.0.1:7000` or `[::1]:7000`.
    init?(parsing text: some StringProtocol) {
        let text = String(text)
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            return nil
        }
        var address = String(text[..<colon])
        if address.hasPrefix("[") && address.hasSuffix("]") {
            address = String(address.dropFirst().dropLast())
        } else if address.contains(":") {
            return nil
        }
        self.init(address: address, port: port)
    }

    var isIPv6: Bool { address.contains(":") }
    var description: String { isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)" }

    static func < (a: Endpoint, b: Endpoint) -> Bool { a.description < b.description }
}

/// One socket: its diagram state and both endpoints. The peer's SOCKET lines,
/// tcpstates' output and ss's output all become these to be compared.
struct SocketRecord: Hashable, Sendable, Comparable, CustomStringConvertible {
    let state: String
    let local: Endpoint
    let remote: Endpoint

    /// `ipv4` or `ipv6`: the socket's family (a v4-mapped socket is IPv6).
    var family: String { local.isIPv6 ? "ipv6" : "ipv4" }

    var description: String { "\(state) \(local) \(remote)" }

    static func < (a: SocketRecord, b: SocketRecord) -> Bool { a.description < b.description }

    /// Parses the peer's `SOCKET <state> <local> <remote>` line.
    init?(peerLine line: some StringProtocol) {
        let fields = line.split(separator: " ")
        guard fields.count >= 4, fields[0] == "SOCKET",
              let local = Endpoint(parsing: fields[2]), let remote = Endpoint(parsing: fields[3])
        else { return nil }
        self.init(state: String(fields[1]), local: local, remote: remote)
    }

    init(state: String, local: Endpoint, remote: Endpoint) {
        self.state = state
        self.local = local
        self.remote = remote
    }
}

/// Sorted descriptions, so that two listings compare as multisets and a
/// mismatch prints readably.
func sortedLines(_ records: some Sequence<SocketRecord>) -> [String] {
    records.map(\.description).sorted()
}

/// Address matching as filters define it: an IPv4 prefix also matches the
/// IPv4 address inside a v4-mapped IPv6 address (what ss and the kernel's
/// inet_diag bytecode do).
enum AddressMatch {
    /// Whether `address` lies in `prefix` (`127.0.0.0/8`, `::1`, `127.0.0.1`).
    static func address(_ address: String, isIn prefix: String) -> Bool {
        let parts = prefix.split(separator: "/", maxSplits: 1)
        guard let network = bytes(String(parts[0])), var candidate = bytes(address) else { return false }
        let bits = parts.count == 2 ? Int(parts[1])! : network.count * 8
        if network.count == 4 && candidate.count == 16 {
            guard candidate[0..<10].allSatisfy({ $0 == 0 }), candidate[10] == 0xff, candidate[11] == 0xff else {
                return false
            }
            candidate = Array(candidate[12...])
        }
        guard network.count == candidate.count else { return false }
        for bit in 0..<bits where (network[bit / 8] ^ candidate[bit / 8]) & (0x80 >> UInt8(bit % 8)) != 0 {
            return false
        }
        return true
    }

    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: v6) { Array($0) }
        }
        return nil
    }
}
