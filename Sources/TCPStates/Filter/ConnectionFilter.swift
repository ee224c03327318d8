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

    public init() {}

    /// True when the connection passes every filter.
    public func matches(_ c: Connection) -> Bool {
        // Both families is the common case: no hashing per connection for it.
        guard families.count == 2 || families.contains(c.family) else { return false }
        if let state = c.state {
            guard states.contains(state) else { return false }
        } else if !includesUnknownStates {
            return false
        }
        if let ports, !ports.contains(c.local.port), !ports.contains(c.remote.port) { return false }
        if let localPorts, !localPorts.contains(c.local.port) { return false }
        if let remotePorts, !remotePorts.contains(c.remote.port) { return false }
        if !localAddresses.isEmpty, !localAddresses.contains(where: { $0.contains(c.local.address) }) {
            return false
        }
        if !remoteAddresses.isEmpty, !remoteAddresses.contains(where: { $0.contains(c.remote.address) }) {
            return false
        }
        if !addresses.isEmpty,
           !addresses.contains(where: { $0.contains(c.local.address) || $0.contains(c.remote.address) }) {
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
            for number in state.kernelNumbers { mask |= 1 << UInt32(number) }
        }
        // A FIN_WAIT2 timewait socket is found under TIME_WAIT and reported as 5.
        if states.contains(.finWait2) { mask |= 1 << 6 }
        return mask
    }

    /// Whether the kernel must walk its bind table (TCP_BOUND_INACTIVE),
    /// which makes every dump slower: only when CLOSED was asked for.
    public var wantsBoundInactive: Bool { states.contains(.closed) }
}
