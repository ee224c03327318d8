/// An inclusive range of ports.
public struct PortRange: Hashable, Sendable {
    public let lower: UInt16
    public let upper: UInt16

    public init(_ lower: UInt16, _ upper: UInt16) {
        self.lower = lower
        self.upper = upper
    }

    public func contains(_ port: UInt16) -> Bool { port >= lower && port <= upper }
}

/// A list of ports and ranges, as given to `--port`: `8080`, `80,443`,
/// `8000-8100`, `:8080`. A port matches when any range contains it.
public struct PortRanges: Hashable, Sendable {
    public private(set) var ranges: [PortRange]

    public init(_ ranges: [PortRange]) { self.ranges = ranges }

    /// Parses a comma-separated list of ports (0-65535) and `LOW-HIGH` ranges.
    public init(parsing text: String) throws(FilterError) {
        var ranges: [PortRange] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = item.trimmingSpaces
            guard !item.isEmpty else {
                throw FilterError("empty item in port list '\(text)'")
            }
            let bounds = item.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            let lower = try Self.port(bounds[0], in: item)
            let upper = bounds.count == 2 ? try Self.port(bounds[1], in: item) : lower
            guard lower <= upper else {
                throw FilterError("port range '\(item)' is backwards: \(lower) is above \(upper)")
            }
            ranges.append(PortRange(lower, upper))
        }
        self.ranges = ranges
    }

    private static func port(_ text: Substring, in item: Substring) throws(FilterError) -> UInt16 {
        // ss and netstat users write `:8080`.
        let digits = text.hasPrefix(":") ? text.dropFirst() : text
        guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int(digits)
        else {
            throw FilterError("'\(item)' is not a port: expected a number 0-65535 or a range such as 8000-8100")
        }
        guard value <= 65535 else {
            throw FilterError("port \(value) is out of range: ports are 0-65535")
        }
        return UInt16(value)
    }

    public func contains(_ port: UInt16) -> Bool {
        for range in ranges where range.contains(port) { return true }
        return false
    }

    /// Adds the ranges of another list (repeated options are OR'ed).
    public mutating func formUnion(_ other: PortRanges) { ranges += other.ranges }

    /// True when every port matches, so the list filters nothing.
    public var coversEverything: Bool { ranges.contains { $0.lower == 0 && $0.upper == 65535 } }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
