/// What a trace saw, for the line printed at exit.
public struct TraceSummary: Equatable, Sendable {
    /// Changes read from the kernel (after its filter).
    public var events = 0
    /// Transitions that passed the user-space filters and were written.
    public var shown = 0
    /// Events within the filters that set a socket to the state it already had
    /// (close() after shutdown()): read, counted, not shown.
    public var sameState = 0
    /// Events the kernel overwrote before they were read, and events it dropped.
    public var overrun: UInt64 = 0
    public var dropped: UInt64 = 0
    /// Pages that carried the kernel's "events were lost before this page" mark.
    public var pagesAfterLoss = 0

    public init() {}

    /// The line printed at exit: what was seen, what the kernel lost, and
    /// the same-state changes left out.
    public var line: String {
        var line = "\(shown) transition\(shown == 1 ? "" : "s") shown, \(events) event\(events == 1 ? "" : "s") read; "
        let lost = overrun + dropped
        line += lost == 0 && pagesAfterLoss == 0
            ? "the kernel lost none"
            : "the kernel lost \(lost) (overrun \(overrun), dropped \(dropped))"
        if sameState > 0 {
            line += "; \(sameState) same-state change\(sameState == 1 ? "" : "s") (close() after shutdown()) not shown"
        }
        return line
    }
}
