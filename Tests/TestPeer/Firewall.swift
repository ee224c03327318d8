/// The peer's own nftables table: an output chain that drops TCP segments
/// whose (source port, destination port) pair is in a set, plus static rules.
struct Firewall {
    static let table = "tcpstates_test"
    static let pairSet = "drop_pairs"

    /// Replaces the table with one holding `staticRules` after the set lookup,
    /// and `pairs` already in the set.
    static func install(staticRules: [String], pairs: [(UInt16, UInt16)]) throws {
        let elements = pairs.isEmpty ? "" : "elements = { \(format(pairs)) }"
        let script = """
            table inet \(table) {}
            delete table inet \(table)
            table inet \(table) {
              set \(pairSet) {
                type inet_service . inet_service
                \(elements)
              }
              chain output {
                type filter hook output priority filter; policy accept;
                tcp sport . tcp dport @\(pairSet) drop
                \(staticRules.joined(separator: "\n    "))
              }
            }

            """
        try Command.check(["nft", "-f", "-"], input: script)
    }

    /// Starts dropping segments from port `source` to port `destination`.
    static func drop(_ pairs: (UInt16, UInt16)...) throws {
        try Command.check(["nft", "add element inet \(table) \(pairSet) { \(format(pairs)) }"])
    }

    /// Lets segments from port `source` to port `destination` through again.
    static func pass(_ pairs: (UInt16, UInt16)...) throws {
        try Command.check(["nft", "delete element inet \(table) \(pairSet) { \(format(pairs)) }"])
    }

    private static func format(_ pairs: [(UInt16, UInt16)]) -> String {
        pairs.map { "\($0.0) . \($0.1)" }.joined(separator: ", ")
    }
}
