/// The orders `--sort` offers; without it, connections keep the kernel's order.
public enum ConnectionOrder: String, CaseIterable, Sendable {
    /// Diagram order of states, then local, then remote.
    case state
    /// Local address and port, then remote.
    case local
    /// Remote address and port, then local.
    case remote
    /// Local port, then remote port, then addresses.
    case port

    public func sort(_ connections: inout [Connection]) {
        connections.sort(by: areInIncreasingOrder)
    }

    /// Whether `a` comes before `b` in this order.
    public func areInIncreasingOrder(_ a: Connection, _ b: Connection) -> Bool {
        switch self {
        case .state:
            let (sa, sb) = (a.stateRank, b.stateRank)
            if sa != sb { return sa < sb }
            return a.local != b.local ? a.local < b.local : a.remote < b.remote
        case .local:
            return a.local != b.local ? a.local < b.local : a.remote < b.remote
        case .remote:
            return a.remote != b.remote ? a.remote < b.remote : a.local < b.local
        case .port:
            if a.local.port != b.local.port { return a.local.port < b.local.port }
            if a.remote.port != b.remote.port { return a.remote.port < b.remote.port }
            return a.local.address != b.local.address
                ? a.local.address < b.local.address : a.remote.address < b.remote.address
        }
    }
}

extension Connection {
    /// Position in diagram order; unknown states last, by number.
    var stateRank: Int { state.map { Int($0.rawValue) } ?? 256 + Int(kernelState) }
}
