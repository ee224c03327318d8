/// What a trace saw, for the line printed at exit.
public struct TraceSummary: Equatable, Sendable {
    /// Changes read from the kernel (after its filter).
    public var events = 0
    /// Transitions that passed the user-space filters and were written.
    public var shown = 0
    /// Events the kernel overwrote before they were read, and events it dropped.
    public var overrun: UInt64 = 0
    public var dropped: UInt64 = 0
    /// Pages that carried the kernel's "events were lost before this page" mark.
    public var pagesAfterLoss = 0

    public init() {}
}
