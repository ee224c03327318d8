/// Destroy events that never reached the tracker: the closes they stood for
/// are seen only by the polls that follow, and a socket that opened and closed in
/// between is missed. Reported as an NDJSON `lost` event, a header mark on
/// the screen until two polls have resynchronised, and on the exit line.
public struct WatchLoss: Sendable, Equatable {
    public enum What: String, Sendable {
        /// The kernel dropped destroy messages (ENOBUFS: the socket's
        /// receive queue was full); it does not say how many.
        case destroyEvents = "destroy-events"
        /// The watch did not take destroyed sockets off its reader thread
        /// fast enough; `count` says how many it dropped.
        case destroyBacklog = "destroy-backlog"
    }

    public var time: WatchInstant
    public var what: What
    /// How many destroy messages were lost, nil when unknown.
    public var count: Int?

    public init(time: WatchInstant, what: What, count: Int?) {
        self.time = time
        self.what = what
        self.count = count
    }
}

/// Every loss of a run, for the exit line.
public struct WatchLossTally: Sendable, Equatable {
    /// How many times destroy events were lost.
    public private(set) var times = 0
    /// Destroy messages lost where the count is known.
    public private(set) var knownCount = 0
    /// Times the kernel did not say how many it dropped.
    public private(set) var uncountedTimes = 0

    public init() {}

    public mutating func add(_ loss: WatchLoss) {
        times += 1
        if let count = loss.count { knownCount += count } else { uncountedTimes += 1 }
    }

    /// The exit line's text, nil when nothing was lost.
    public var summary: String? {
        guard times > 0 else { return nil }
        var parts: [String] = []
        if knownCount > 0 { parts.append("\(knownCount) dropped by the watch") }
        if uncountedTimes > 0 {
            parts.append("\(uncountedTimes) time\(uncountedTimes == 1 ? "" : "s") by the kernel, count unknown")
        }
        return "destroy events lost \(times) time\(times == 1 ? "" : "s") (\(parts.joined(separator: "; "))): "
            + "closes in those moments were seen by polls only"
    }
}
