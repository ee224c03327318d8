extension InetDiagRequest {
    /// The bytes of a request for the one socket with these endpoints (no
    /// dump: the kernel looks it up in its hash, TIME_WAIT included).
    public static func lookup(_ key: ConnectionKey, sequence: UInt32) -> [UInt8] {
        lookup(local: key.local, remote: key.remote, sequence: sequence)
    }
}

extension NetlinkSocket {
    /// The socket with exactly these endpoints now, or nil when there is none.
    public func lookup(_ key: ConnectionKey) throws -> Connection? {
        try lookup(local: key.local, remote: key.remote)
    }
}
