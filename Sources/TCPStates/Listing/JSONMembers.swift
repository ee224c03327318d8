/// The members a JSON connection carries besides the standard ones, in
/// the order they are written.
public struct JSONMembers: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `"process": [...]`, the owners.
    public static let process = JSONMembers(rawValue: 1 << 0)
    /// `"timer": {...}`.
    public static let timer = JSONMembers(rawValue: 1 << 1)
    /// `"tcp_info": {...}`.
    public static let tcpInfo = JSONMembers(rawValue: 1 << 2)
    /// `"netns": {...}`, the socket's network namespace; written first.
    public static let netns = JSONMembers(rawValue: 1 << 3)

    /// A writer of these members after a connection's standard ones, or nil
    /// when there are none; `owners` fills `process` and `namespaces` (by inode) `netns`.
    public func writer(owners: OwnerTable?, namespaces: [UInt64: NetnsIdentity] = [:]) -> ((Connection, ByteWriter) -> Void)? {
        guard !isEmpty else { return nil }
        let members = self
        let owners = owners ?? OwnerTable()
        return { connection, writer in
            if members.contains(.netns) { NetnsColumns.appendJSON(namespaces[connection.netnsInode], to: writer) }
            if members.contains(.process) { OwnerColumns.appendJSON(owners.owners(of: connection.inode), to: writer) }
            if members.contains(.timer) { TimerColumns.appendJSON(connection.timer, to: writer) }
            if members.contains(.tcpInfo) { InfoColumns.appendJSON(connection.tcpInfo, to: writer) }
        }
    }
}
