/// A set of diagram states, as given to `--state`.
public struct StateSet: Hashable, Sendable {
    /// Bit n is set when the state whose rawValue is n is in the set.
    public private(set) var bits: UInt16

    public init(_ states: some Sequence<TCPState>) {
        bits = 0
        for state in states { insert(state) }
    }

    public static let all = StateSet(TCPState.allCases)
    /// What is listed without `--state` or `--all`: everything but CLOSED, like `ss -tan`.
    public static let `default` = StateSet(TCPState.allCases.filter { $0 != .closed })

    public func contains(_ state: TCPState) -> Bool { bits & (1 << state.rawValue) != 0 }
    public mutating func insert(_ state: TCPState) { bits |= 1 << state.rawValue }
    public mutating func formUnion(_ other: StateSet) { bits |= other.bits }
    public var states: [TCPState] { TCPState.allCases.filter(contains) }
    public var isEmpty: Bool { bits == 0 }

    /// Parses a comma-separated list of state names and groups, any case, with
    /// `-` and `_` alike: the diagram names, the spellings of ss and netstat,
    /// and ss's groups.
    public init(parsing text: String) throws(FilterError) {
        bits = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let key = String(item.trimmingSpaces).uppercased().replacingHyphens
            guard let set = Self.names[key] else {
                throw FilterError(
                    "unknown state '\(item.trimmingSpaces)': use \(TCPState.allCases.map(\.name).joined(separator: ", ")), "
                        + "an ss or netstat spelling (ESTAB, SYN-RECV, FIN_WAIT1, CLOSE, ...) "
                        + "or a group (all, connected, synchronized, bucket, big)")
            }
            formUnion(set)
        }
    }

    /// Every accepted word (upper case, `_` for `-`) and the states it names.
    static let names: [String: StateSet] = {
        var names: [String: StateSet] = [:]
        for state in TCPState.allCases { names[state.name] = StateSet([state]) }
        let aliases: [(String, TCPState)] = [
            ("ESTAB", .established),
            ("SYN_RECV", .synReceived), ("SYN_RCV", .synReceived), ("SYN_RECEIVED", .synReceived),
            ("FIN_WAIT1", .finWait1), ("FIN_WAIT2", .finWait2),
            ("CLOSE", .closed), ("UNCONN", .closed), ("UNCONNECTED", .closed),
            ("BOUND_INACTIVE", .closed), ("LISTENING", .listen),
        ]
        for (word, state) in aliases { names[word] = StateSet([state]) }
        let connected = StateSet(TCPState.allCases.filter { $0 != .listen && $0 != .closed })
        var synchronized = connected
        synchronized.bits &= ~(1 << TCPState.synSent.rawValue)
        let bucket = StateSet([.synReceived, .timeWait])
        names["ALL"] = .all
        names["CONNECTED"] = connected
        names["SYNCHRONIZED"] = synchronized
        names["BUCKET"] = bucket
        names["BIG"] = StateSet(TCPState.allCases.filter { !bucket.contains($0) })
        return names
    }()
}

extension String {
    var replacingHyphens: String { String(map { $0 == "-" ? "_" : $0 }) }
}
