/// The idiag_ext bits of a sock_diag request: which optional attributes the
/// kernel adds to each socket's message. Bit n - 1 asks for attribute n.
public struct InetDiagExtensions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// INET_DIAG_INFO (attribute 2): struct tcp_info.
    public static let info = InetDiagExtensions(attribute: InetDiagDecoder.infoAttribute)
    /// INET_DIAG_CONG (attribute 4): the congestion control algorithm's name.
    public static let congestion = InetDiagExtensions(attribute: InetDiagDecoder.congestionAttribute)

    /// The bit that asks for attribute `number` (1 to 8).
    init(attribute number: UInt16) {
        self.init(rawValue: 1 << UInt8(number - 1))
    }
}
