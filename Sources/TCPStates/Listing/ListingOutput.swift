/// What a listing writes: the sockets, or their counts per state.
public enum ListingOutput: Equatable, Sendable {
    /// An aligned table of the sockets.
    case table
    /// One JSON document of the sockets.
    case json
    /// Counts per state instead of the sockets; per listener port with `byPort`.
    case summary(SummaryFormat, byPort: Bool)
}

/// The formats of a summary.
public enum SummaryFormat: Equatable, Sendable {
    case table
    case json
    /// The text exposition format, per port and family (always per port).
    case prometheus
}
