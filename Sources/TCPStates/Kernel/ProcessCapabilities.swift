#if canImport(Glibc)
import Glibc
#endif

/// The capabilities this process holds, from /proc/self/status: enough to
/// refuse early, before listing or asking, what the kernel would refuse.
public struct ProcessCapabilities: Equatable, Sendable {
    /// CapEff: bit n is capability n (include/uapi/linux/capability.h).
    public let effective: UInt64

    /// CAP_NET_ADMIN: SOCK_DESTROY, entering other network namespaces.
    public static let netAdmin = 12

    public init(effective: UInt64) { self.effective = effective }

    /// Reads the `CapEff:` line of a /proc/PID/status text; nil without one.
    public init?(status text: String) {
        for line in text.split(separator: "\n") where line.hasPrefix("CapEff:") {
            let digits = line.dropFirst("CapEff:".count).filter { !$0.isWhitespace }
            guard let mask = UInt64(digits, radix: 16) else { return nil }
            self.init(effective: mask)
            return
        }
        return nil
    }

    /// This process's, or nil when /proc cannot say.
    public static func current() -> ProcessCapabilities? {
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // About 1.5 KiB, and the kernel writes it in one read.
        var status = [UInt8](repeating: 0, count: 16 * 1024)
        let count = status.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return count > 0 ? ProcessCapabilities(status: String(decoding: status[..<count], as: UTF8.self)) : nil
    }

    public func has(_ capability: Int) -> Bool { effective & (1 << UInt64(capability)) != 0 }
}
