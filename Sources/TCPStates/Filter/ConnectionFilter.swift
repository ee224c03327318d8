/// Which sockets to list: AND between kinds of filter, OR within a list.
/// An empty list or a nil port list filters nothing.
public struct ConnectionFilter: Sendable {
    public var families: Set<AddressFamily> = [.ipv4, .ipv6]
    public var states: StateSet = .default
    /// Whether sockets in a kernel state this build does not know are listed;
    /// they are unless the user chose states.
    public var includesUnknownStates = true
    /// Local or remote port.
    public var ports: PortRanges?
    public var localPorts: PortRanges?
    public var remotePorts: PortRanges?
    public var localAddresses: [AddressPrefix] = []
    public var remoteAddresses: [AddressPrefix] = []
    /// Local or remote address.
    public var addresses: [AddressPrefix] = []
    /// Which protocols to list: TCP unless asked otherwise.
    public var transports: Set<TransportProtocol> = [.tcp]
    /// The states UDP sockets must be in (UNCONN is CLOSED); nil lists every
    /// UDP socket, since the default TCP states leave CLOSED out.
    public var udpStates: StateSet?

    public init() {}

    /// True when the connection passes every filter.
    public func matches(_ c: Connection) -> Bool {
        guard transports.contains(c.transport) else { return false }
        if c.transport == .udp {
            if let udpStates, !(c.state.map(udpStates.contains) ?? false) { return false }
        } else if !matches(kernelState: c.kernelState) {
            return false
        }
        return matches(local: c.local, remote: c.remote)
    }

    /// True when a socket in kernel state `number` passes the state filter.
    public func matches(kernelState number: UInt8) -> Bool {
        if let state = TCPState(kernel: number) { return states.contains(state) }
        return includesUnknownStates
    }

    /// True when a socket with these endpoints passes the family, port and address filters.
    public func matches(local: Endpoint, remote: Endpoint) -> Bool {
        // Both families is the common case: no hashing per connection for it.
        guard families.count == 2 || families.contains(local.address.family) else { return false }
        if let ports, !ports.contains(local.port), !ports.contains(remote.port) { return false }
        if let localPorts, !localPorts.contains(local.port) { return false }
        if let remotePorts, !remotePorts.contains(remote.port) { return false }
        if !localAddresses.isEmpty, !localAddresses.contains(where: { $0.contains(local.address) }) {
            return false
        }
        if !remoteAddresses.isEmpty, !remoteAddresses.contains(where: { $0.contains(remote.address) }) {
            return false
        }
        if !addresses.isEmpty,
           !addresses.contains(where: { $0.contains(local.address) || $0.contains(remote.address) }) {
            return false
        }
        return true
    }

    /// The families worth asking the kernel about: an IPv6 address filter
    /// rules out IPv4 sockets, an IPv4 one does not rule out IPv6 (v4-mapped).
    public var familiesToDump: [AddressFamily] {
        [AddressFamily.ipv4, .ipv6].filter { families.contains($0) }
    }

    /// The idiag_states mask for sock_diag: bit n asks for kernel state n.
    public var kernelStateMask: UInt32 {
        var mask: UInt32 = 0
        for state in states.states {
            for number in state.kernelNumbers { mask |= KernelTCPState.maskBit(number) }
        }
        // A FIN_WAIT2 timewait socket is found under TIME_WAIT and reported as 5.
        if states.contains(.finWait2) { mask |= KernelTCPState.maskBit(KernelTCPState.timeWait) }
        return mask
    }

    /// The idiag_states mask for a UDP dump: connected (1) and unconnected (7).
    public var udpKernelStateMask: UInt32 {
        let connected = KernelTCPState.maskBit(KernelTCPState.established)
        let unconnected = KernelTCPState.maskBit(KernelTCPState.close)
        guard let udpStates else { return connected | unconnected }
        return (udpStates.contains(.established) ? connected : 0) | (udpStates.contains(.closed) ? unconnected : 0)
    }

    /// Whether the kernel must walk its bind table (TCP_BOUND_INACTIVE),
    /// which makes every dump slower: only when CLOSED was asked for.
    public var wantsBoundInactive: Bool { states.contains(.closed) }
}
