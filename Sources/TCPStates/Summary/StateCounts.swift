/// How many sockets are in each state: one cell of a summary.
public struct StateCounts: Hashable, Sendable {
    private var known = [Int](repeating: 0, count: TCPState.allCases.count)
    /// Sockets in kernel states this build does not know, by number.
    public private(set) var unknown: [UInt8: Int] = [:]
    /// Every socket counted.
    public private(set) var total = 0

    public init() {}

    /// The count of one diagram state.
    public subscript(state: TCPState) -> Int { known[Int(state.rawValue)] }

    /// Counts one socket under its state.
    public mutating func add(_ connection: Connection) {
        if let state = connection.state {
            known[Int(state.rawValue)] += 1
        } else {
            unknown[connection.kernelState, default: 0] += 1
        }
        total += 1
    }

    /// Uncounts one socket counted before under the same state.
    public mutating func remove(_ connection: Connection) {
        if let state = connection.state {
            known[Int(state.rawValue)] -= 1
        } else {
            let count = unknown[connection.kernelState, default: 0] - 1
            unknown[connection.kernelState] = count == 0 ? nil : count
        }
        total -= 1
    }

    /// Adds another cell's counts to this one.
    public mutating func add(_ other: StateCounts) {
        for index in known.indices { known[index] += other.known[index] }
        for (number, count) in other.unknown { unknown[number, default: 0] += count }
        total += other.total
    }

    /// Name and count of `states` in diagram order, zeros included, then the
    /// unknown states met, by number.
    public func rows(states: StateSet) -> [(name: String, count: Int)] {
        rows(states.states, naming: \.name)
    }

    /// Name and count of `states` in the order given, zeros included, then
    /// the unknown states met, by number.
    public func rows(_ states: [TCPState], naming name: (TCPState) -> String) -> [(name: String, count: Int)] {
        states.map { (name($0), self[$0]) }
            + unknown.sorted { $0.key < $1.key }.map { (stateName(kernel: $0.key), $0.value) }
    }
}
