/// The port a socket is counted under in a per-port summary.
public enum SummaryPort: Hashable, Sendable, Comparable {
    case port(UInt16)
    /// Sockets on none of the summary's ports, such as outgoing connections.
    case other

    /// The port as a label value: `443` or `other`.
    public var label: String {
        switch self {
        case .port(let number): String(number)
        case .other: "other"
        }
    }
}

/// Chooses the port each socket is counted under, from a bounded set: the
/// local ports of listeners and the ports the user named. Counting every
/// ephemeral port would give a label per connection, which no Prometheus
/// server wants.
public struct PortLabeling: Sendable {
    /// Local ports of the listening sockets (the whole namespace's, not only the filtered ones).
    public var listenerPorts: Set<UInt16>
    /// Local ports of the UDP sockets connected to no one: UDP's listeners.
    public var udpListenerPorts: Set<UInt16> = []
    /// Ports named with `--port`, `--local-port` and `--remote-port`.
    public var named: PortRanges?
    public var namedLocal: PortRanges?
    public var namedRemote: PortRanges?

    public init(listenerPorts: Set<UInt16>, udpListenerPorts: Set<UInt16> = [], filter: ConnectionFilter) {
        self.listenerPorts = listenerPorts
        self.udpListenerPorts = udpListenerPorts
        named = filter.ports
        namedLocal = filter.localPorts
        namedRemote = filter.remotePorts
    }

    /// A listener's port and the sockets it accepted share the local port;
    /// otherwise the local, then the remote port when the user named it.
    public func port(of connection: Connection) -> SummaryPort {
        let local = connection.local.port, remote = connection.remote.port
        if (connection.transport == .tcp ? listenerPorts : udpListenerPorts).contains(local) { return .port(local) }
        if named?.contains(local) == true || namedLocal?.contains(local) == true { return .port(local) }
        if named?.contains(remote) == true || namedRemote?.contains(remote) == true { return .port(remote) }
        return .other
    }

    /// Ports of `transport` reported even when no socket is on them: the
    /// listeners' and the single ports the user named (a range is not spelled out).
    public func reportedPorts(of transport: TransportProtocol) -> Set<SummaryPort> {
        var ports = Set((transport == .tcp ? listenerPorts : udpListenerPorts).map(SummaryPort.port))
        for list in [named, namedLocal, namedRemote].compactMap({ $0 }) {
            for range in list.ranges where range.lower == range.upper { ports.insert(.port(range.lower)) }
        }
        ports.insert(.other)
        return ports
    }
}
