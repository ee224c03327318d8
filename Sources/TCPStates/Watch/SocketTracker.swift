/// Follows the sockets of successive snapshots and says what changed: the
/// diff behind both the watch screen and its NDJSON events.
///
/// A refresh is O(n): each socket of the new snapshot is looked up by its
/// key in a dictionary, and one pass over the dictionary finds the sockets
/// no longer there. The tracker is a `ConnectionSink`, so a listing streams
/// straight into it without an intermediate array.
public struct SocketTracker: ConnectionSink {
    /// How a row is marked on screen.
    public enum Mark: Sendable, Equatable {
        case none
        /// Appeared within the last few refreshes.
        case new
        /// Changed state within the last few refreshes.
        case changed
    }

    /// What is known about one socket.
    public struct Entry: Sendable {
        /// As last seen.
        public fileprivate(set) var connection: Connection
        /// When it was first seen in its current state (monotonic ms).
        public fileprivate(set) var enteredAt: Int64
        /// False when it was already in this state when the watch started:
        /// then its age is only a lower bound.
        public fileprivate(set) var enteredAtIsKnown: Bool
        /// The state before the last change, for `OLD -> NEW`.
        public fileprivate(set) var previousKernelState: UInt8?
        fileprivate var mark: Mark
        fileprivate var markedUntilRefresh: Int
        fileprivate var seenInRefresh: Int

        /// How long it has been in its current state, as far as the watch has seen.
        public func age(at now: WatchInstant) -> Int64 { max(0, now.monotonicMilliseconds - enteredAt) }
    }

    /// The sockets now present, by key.
    public private(set) var entries: [ConnectionKey: Entry] = [:]
    /// Sockets that went away since the last refresh began: shown once as gone.
    public private(set) var gone: [WatchEvent] = []
    /// The latest open, change and close events, oldest first.
    public private(set) var transitions: [WatchEvent] = []
    /// Refreshes finished so far.
    public private(set) var refreshCount = 0
    /// How many refreshes a new or changed row stays marked.
    public var markedRefreshes = 3
    /// How many transitions are kept for the pane.
    public var transitionCapacity = 200
    /// How long a socket closed by a poll is remembered, so that its destroy
    /// message, which the kernel sends a little later, is not a second close.
    public var closeMemoryMilliseconds: Int64 = 2000

    private var pending: [WatchEvent] = []
    private var now = WatchInstant(wallMilliseconds: 0, monotonicMilliseconds: 0)
    private var recentlyClosed: [ConnectionKey: Int64] = [:]

    public init() {}

    /// Starts a refresh taken at `time`; then `add` each socket and call `finishRefresh`.
    public mutating func beginRefresh(at time: WatchInstant) {
        now = time
        gone.removeAll(keepingCapacity: true)
        recentlyClosed = recentlyClosed.filter { time.monotonicMilliseconds - $0.value < closeMemoryMilliseconds }
    }

    public mutating func begin(source: SourceKind) throws {}

    /// One socket of the snapshot being taken.
    public mutating func add(_ connection: Connection) throws {
        observe(connection, inRefresh: refreshCount + 1)
    }

    /// Ends the refresh: sockets not seen in it are closed. Returns the
    /// refresh's events: `present` for all on the first refresh, then
    /// `open`, `change` and `close`.
    public mutating func finishRefresh() -> [WatchEvent] {
        refreshCount += 1
        var vanished: [ConnectionKey] = []
        for (key, entry) in entries where entry.seenInRefresh != refreshCount { vanished.append(key) }
        for key in vanished {
            guard let entry = entries.removeValue(forKey: key) else { continue }
            close(entry.connection, previous: entry)
            recentlyClosed[key] = now.monotonicMilliseconds
        }
        return takeEvents()
    }

    /// A socket the kernel destroyed between refreshes. `current` is what a
    /// lookup of its endpoints found right after, if it passes the filters:
    /// a full socket becoming a TIME_WAIT one is destroyed too, and that is
    /// a change, not a close. Returns the events it makes.
    public mutating func observeDestroyed(
        _ destroyed: Connection, current: Connection?, at time: WatchInstant
    ) -> [WatchEvent] {
        now = time
        let key = destroyed.key
        if let current {
            observe(current, inRefresh: entries[key]?.seenInRefresh ?? refreshCount)
        } else if let entry = entries.removeValue(forKey: key) {
            close(entry.connection, previous: entry)
            recentlyClosed[key] = time.monotonicMilliseconds
        } else if recentlyClosed[key].map({ time.monotonicMilliseconds - $0 >= closeMemoryMilliseconds }) ?? true {
            // Opened and closed between two refreshes: no poll saw it.
            close(destroyed, previous: nil)
            recentlyClosed[key] = time.monotonicMilliseconds
        }
        return takeEvents()
    }

    /// The mark a row shows now.
    public func mark(of entry: Entry) -> Mark {
        refreshCount < entry.markedUntilRefresh ? entry.mark : .none
    }

    private mutating func observe(_ connection: Connection, inRefresh refresh: Int) {
        let key = connection.key
        guard let index = entries.index(forKey: key) else {
            let atStart = refreshCount == 0
            entries[key] = Entry(
                connection: connection, enteredAt: now.monotonicMilliseconds, enteredAtIsKnown: !atStart,
                previousKernelState: nil, mark: atStart ? .none : .new,
                markedUntilRefresh: atStart ? 0 : refreshCount + 1 + markedRefreshes, seenInRefresh: refresh)
            record(WatchEvent(kind: atStart ? .present : .open, time: now, connection: connection))
            return
        }
        // Mutating through the values view changes the entry in place: no copy, no rehash.
        let old = entries.values[index]
        entries.values[index].seenInRefresh = refresh
        entries.values[index].connection = connection
        guard !connection.hasSameState(as: old.connection) else { return }
        entries.values[index].previousKernelState = old.connection.kernelState
        entries.values[index].enteredAt = now.monotonicMilliseconds
        entries.values[index].enteredAtIsKnown = true
        entries.values[index].mark = .changed
        // Counted from the refresh being taken: the mark is drawn `markedRefreshes` times.
        entries.values[index].markedUntilRefresh = refreshCount + 1 + markedRefreshes
        record(WatchEvent(
            kind: .change, time: now, connection: connection,
            previousKernelState: old.connection.kernelState,
            previousStateMilliseconds: old.enteredAtIsKnown ? old.age(at: now) : nil))
    }

    private mutating func close(_ connection: Connection, previous: Entry?) {
        let event = WatchEvent(
            kind: .close, time: now, connection: connection,
            previousKernelState: previous?.connection.kernelState,
            previousStateMilliseconds: previous.flatMap { $0.enteredAtIsKnown ? $0.age(at: now) : nil })
        gone.append(event)
        record(event)
    }

    private mutating func record(_ event: WatchEvent) {
        pending.append(event)
        guard event.kind != .present else { return }
        transitions.append(event)
        if transitions.count > transitionCapacity * 2 {
            transitions.removeFirst(transitions.count - transitionCapacity)
        }
    }

    private mutating func takeEvents() -> [WatchEvent] {
        let events = pending
        pending = []
        return events
    }
}
