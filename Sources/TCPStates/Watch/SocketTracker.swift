/// Follows the sockets of successive snapshots and says what changed: the
/// diff behind both the watch screen and its NDJSON events.
///
/// A refresh is O(n) with small constants where little changed: the kernel
/// dumps its hash table in a stable order, so each socket is first compared
/// with the one at the same place of the previous dump, and only a mismatch
/// hashes its key. Entries live in reused slots, the counts per state and
/// the screen's order are kept up to date by the changes alone. The tracker
/// is a `ConnectionSink`, so a listing streams straight into it.
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
        /// Where it is in `dumpOrder` (before it is seen in a refresh) or `nextDumpOrder` (after).
        fileprivate var position: Int32 = -1
        fileprivate var isLive = true
        /// The poll that first missed it, while the next one has not decided.
        fileprivate var missedAt: WatchInstant?

        /// How long it has been in its current state, as far as the watch has seen.
        public func age(at now: WatchInstant) -> Int64 { max(0, now.monotonicMilliseconds - enteredAt) }
    }

    /// The sockets now present, by key.
    public var entries: Entries { Entries(slots: slots, index: index) }
    /// The sockets now present in `order`; empty when `order` is nil.
    public var ordered: OrderedEntries { OrderedEntries(slots: slots, order: sorted.slots) }
    /// The sockets now present, counted by state.
    public private(set) var counts = StateCounts()
    /// The order `ordered` keeps, nil for none (the NDJSON stream needs none).
    public var order: ConnectionOrder? = .state {
        didSet {
            sorted = SlotOrder()
            guard order != nil else { return }
            for slot in index.values { sorted.place(slot) }
            updateOrder()
        }
    }
    /// Sockets that went away since the last refresh began: shown once as gone.
    /// Empty unless `keepsGone`.
    public private(set) var gone: [WatchEvent] = []
    /// Whether `gone` is kept: only the screen draws it. It holds the closes
    /// of one refresh, about 270 bytes each; under loopback churn at
    /// 7,000 connections/s that was up to 16,000 of them, in a buffer of
    /// 9 MiB that an NDJSON stream, which needs none, kept.
    public var keepsGone = true
    /// The latest open, change and close events, oldest first.
    public private(set) var transitions: [WatchEvent] = []
    /// Refreshes finished so far.
    public private(set) var refreshCount = 0
    /// How many refreshes a new or changed row stays marked.
    public var markedRefreshes = 3
    /// How many transitions are kept for the pane.
    public var transitionCapacity = 200
    /// How long a full socket closed by a poll is remembered, so that its
    /// destroy message, which the kernel sends a little later (and a busy
    /// watch may read much later), is not a second close.
    public var closeMemoryMilliseconds: Int64 = 60_000

    private var pending: [WatchEvent] = []
    private var now = WatchInstant(wallMilliseconds: 0, monotonicMilliseconds: 0)
    private var recentlyClosed: [ConnectionKey: Int64] = [:]
    /// Destroyed connected TCP sockets no poll saw whose TIME_WAIT look-up
    /// went unanswered, by endpoints: the next poll decides. A TIME_WAIT
    /// socket on their endpoints in it is their end (an open in TIME_WAIT);
    /// else they close then, with the time of their destroy message.
    private var awaitingSuccessor: [ConnectionKey: (connection: Connection, time: WatchInstant)] = [:]
    /// TIME_WAIT ends a poll printed (an open or a change into TIME_WAIT)
    /// whose destroy message has not come yet, counted by endpoints, with
    /// when the last was printed. The destroy message of the full socket
    /// that became such a TIME_WAIT socket prints nothing: the poll printed
    /// its end. Which destroyed socket a TIME_WAIT socket replaced is not
    /// always knowable: under load the listener reads a message seconds
    /// late, and by then loopback may have reused the tuple (a TIME_WAIT
    /// tuple a second old), so its look-up finds a later socket's TIME_WAIT,
    /// or an earlier look-up arrives after a poll saw a later one. Counting
    /// keeps every end printed once: a destroy message takes one of these if
    /// its endpoints have one, else prints its own end.
    private var endsAwaitingDestroy: [ConnectionKey: (count: Int, printedAt: Int64)] = [:]
    /// Connected sockets a poll saw whose destroy message came with its
    /// look-up unanswered: the next poll prints their end, owed to no later message.
    private var destroyedAwaitingPoll: Set<ConnectionKey> = []
    /// Every entry, present or free; `index` names the present ones.
    private var slots: [Entry] = []
    private var freeSlots: [Int32] = []
    private var index: [ConnectionKey: Int32] = [:]
    /// Present connected TCP sockets with a cookie, by endpoints. The kernel
    /// holds one such socket per 4-tuple, so a new cookie on a tuple means
    /// the old socket is gone (a TIME_WAIT one is dropped without a destroy
    /// message when its tuple is reused), or, for a request socket, that
    /// the full socket which replaces it has arrived.
    private var byEndpoints: [ConnectionKey: Int32] = [:]
    /// The slots in the order of the last refresh's dump, then those a
    /// destroy lookup added since: what the next refresh expects.
    private var dumpOrder: [Int32] = []
    /// The order of the refresh being taken.
    private var nextDumpOrder: [Int32] = []
    /// Where in `dumpOrder` the next socket of the refresh is expected.
    private var cursor = 0
    /// Entries present when the refresh began that it has seen so far.
    private var seenCount = 0
    private var presentAtBegin = 0
    private var sorted = SlotOrder()

    /// How many polls in a row must miss a socket before they close it
    /// (`finishRefresh`); a loss is caught up only after as many.
    public static let pollsToClose = 2

    public init() {}

    /// Starts a refresh taken at `time`; then `add` each socket and call `finishRefresh`.
    public mutating func beginRefresh(at time: WatchInstant) {
        now = time
        gone.removeAll(keepingCapacity: true)
        if !recentlyClosed.isEmpty {
            recentlyClosed = recentlyClosed.filter { time.monotonicMilliseconds - $0.value < closeMemoryMilliseconds }
        }
        if !endsAwaitingDestroy.isEmpty {
            endsAwaitingDestroy = endsAwaitingDestroy.filter {
                time.monotonicMilliseconds - $0.value.printedAt < closeMemoryMilliseconds
            }
        }
        cursor = 0
        seenCount = 0
        presentAtBegin = index.count
        nextDumpOrder.removeAll(keepingCapacity: true)
    }

    public mutating func begin(source: SourceKind) throws {}

    /// One socket of the snapshot being taken.
    public mutating func add(_ connection: Connection) throws {
        let refresh = refreshCount + 1
        let key = connection.key
        if cursor < dumpOrder.count {
            let expected = Int(dumpOrder[cursor])
            if slots[expected].isLive, slots[expected].connection.key == key {
                cursor += 1
                update(Int32(expected), with: connection, inRefresh: refresh)
                return
            }
        }
        guard let slot = index[key] else {
            insert(connection, inRefresh: refresh)
            return
        }
        // Out of step with the previous dump: carry on after where this socket was in it.
        let entry = slots[Int(slot)]
        if entry.seenInRefresh != refresh, entry.position >= 0 { cursor = Int(entry.position) + 1 }
        update(slot, with: connection, inRefresh: refresh)
    }

    /// Ends the refresh: sockets that neither it nor the one before saw are
    /// closed (a socket missed once waits for the next). Returns the
    /// refresh's events: `present` for all on the first refresh, then
    /// `open`, `change` and `close`.
    public mutating func finishRefresh() -> [WatchEvent] {
        refreshCount += 1
        if seenCount < presentAtBegin {
            // Every entry present at the start is in `dumpOrder`; a freed or reused slot there is skipped.
            for slot in dumpOrder where slots[Int(slot)].isLive && slots[Int(slot)].seenInRefresh != refreshCount {
                let s = Int(slot)
                guard slots[s].missedAt != nil else {
                    // Missed once is not gone: a dump that takes several reads resumes by position within a hash
                    // bucket, so a socket closed ahead of a live one between two reads makes it skip the live one.
                    // The next poll decides; a close is then stamped with this poll's time. Marked seen, so that
                    // a slot that `dumpOrder` lists twice (freed and reused) is carried over once.
                    slots[s].missedAt = now
                    slots[s].seenInRefresh = refreshCount
                    slots[s].position = Int32(nextDumpOrder.count)
                    nextDumpOrder.append(slot)
                    continue
                }
                let entry = remove(slot)
                close(entry.connection, previous: entry)
                rememberClosedByPoll(entry.connection)
            }
        }
        if !awaitingSuccessor.isEmpty {
            let pollTime = now
            let unresolved = awaitingSuccessor.values.sorted { $0.time.monotonicMilliseconds < $1.time.monotonicMilliseconds }
            awaitingSuccessor.removeAll(keepingCapacity: true)
            for destroyed in unresolved where !takeEndAwaitingDestroy(on: destroyed.connection.endpointKey) {
                now = destroyed.time
                close(destroyed.connection, previous: nil)
            }
            now = pollTime
        }
        destroyedAwaitingPoll.removeAll(keepingCapacity: true)
        swap(&dumpOrder, &nextDumpOrder)
        updateOrder()
        return takeEvents()
    }

    /// A socket the kernel destroyed. `current` is the TIME_WAIT socket on
    /// its endpoints right after, if it passes the filters: a full socket
    /// that becomes a TIME_WAIT one is destroyed too, and that is a change,
    /// not a close. The TIME_WAIT socket has the destroyed socket's cookie
    /// if the kernel had made it by then (it makes a cookie when first
    /// asked, so a poll that saw the full socket usually had), else one of
    /// its own: the tracked entry then takes the new cookie, and a socket
    /// no poll saw is an open in TIME_WAIT. Without `current`, a close.
    /// Returns the events it makes.
    ///
    /// `successorIsUnknown`: the look-up for `current` went unanswered. A
    /// socket a poll saw then stays until the next poll, which finds its
    /// TIME_WAIT successor by cookie (a change) or closes it; one no poll
    /// saw waits for that poll too. Either way its end is printed once.
    public mutating func observeDestroyed(
        _ destroyed: Connection, current: Connection?, successorIsUnknown: Bool = false, at time: WatchInstant
    ) -> [WatchEvent] {
        now = time
        let key = destroyed.key
        let endpoints = destroyed.endpointKey
        if recentlyClosed.removeValue(forKey: key) != nil, index[key] == nil {
            // A poll already saw it go.
            return []
        }
        if let slot = index[key], slots[Int(slot)].connection.isTimewait {
            // A poll saw it become TIME_WAIT under its cookie and printed that end.
            _ = takeEndAwaitingDestroy(on: endpoints)
        }
        switch (index[key], current) {
        case (let slot?, let current?):
            var slot = slot
            if current.key != key {
                if let other = index[current.key] {
                    // Tracked twice (insert files a TIME_WAIT under its full socket, so only if that missed).
                    let entry = remove(slot)
                    if !takeEndAwaitingDestroy(on: endpoints) { close(entry.connection, previous: entry) }
                    slot = other
                } else {
                    rekey(slot, to: current.key)
                }
            }
            update(slot, with: current, inRefresh: slots[Int(slot)].seenInRefresh)
        case (_?, nil) where successorIsUnknown:
            destroyedAwaitingPoll.insert(key)
        case (let slot?, nil):
            let entry = remove(slot)
            close(entry.connection, previous: entry)
        case (nil, let current?):
            if takeEndAwaitingDestroy(on: endpoints) {
                // A poll printed a TIME_WAIT end on these endpoints: this socket's, or, when the tuple was
                // reused before the look-up, the next one's, whose message then prints its own end.
                if let slot = index[current.key] { update(slot, with: current, inRefresh: slots[Int(slot)].seenInRefresh) }
            } else if let slot = index[current.key] {
                // Its end was taken by an earlier message on these endpoints (a look-up that found this one's).
                update(slot, with: current, inRefresh: slots[Int(slot)].seenInRefresh)
                close(destroyed, previous: nil)
            } else {
                insert(current, inRefresh: refreshCount)
            }
        case (nil, nil) where successorIsUnknown:
            awaitingSuccessor[endpoints] = (destroyed, time)
        case (nil, nil):
            // Opened and closed between two refreshes: no poll saw it.
            if !takeEndAwaitingDestroy(on: endpoints) { close(destroyed, previous: nil) }
        }
        updateOrder()
        return takeEvents()
    }

    /// The mark a row shows now.
    public func mark(of entry: Entry) -> Mark {
        refreshCount < entry.markedUntilRefresh ? entry.mark : .none
    }

    /// A socket not present before: in a refresh (`inRefresh` is the one
    /// being taken) it joins the dump order, otherwise it is expected next.
    private mutating func insert(_ connection: Connection, inRefresh refresh: Int) {
        var endIsOwed = refresh > refreshCount && refreshCount > 0 && connection.isTimewait
        if connection.isTimewait, !awaitingSuccessor.isEmpty,
           awaitingSuccessor.removeValue(forKey: connection.endpointKey) != nil {
            // The end of a destroyed socket no poll saw: this open in TIME_WAIT is its only event.
            endIsOwed = false
        }
        if connection.holdsItsTuple, let other = byEndpoints[connection.endpointKey] {
            let old = slots[Int(other)].connection
            // A full socket replacing a request socket, or a TIME_WAIT one replacing a full socket whose
            // cookie the kernel had not made yet: a new cookie, the same connection.
            if (old.isRequest && !connection.isRequest)
                || (connection.isTimewait && !old.isTimewait && connection.canFollow(old)) {
                rekey(other, to: connection.key)
                update(other, with: connection, inRefresh: refresh)
                return
            }
            // The tuple's previous socket is gone: its close comes before the new socket's open.
            retire(other, inRefresh: refresh)
        }
        let atStart = refreshCount == 0
        let duringRefresh = refresh > refreshCount
        var entry = Entry(
            connection: connection, enteredAt: now.monotonicMilliseconds, enteredAtIsKnown: !atStart,
            previousKernelState: nil, mark: atStart ? .none : .new,
            markedUntilRefresh: atStart ? 0 : refreshCount + 1 + markedRefreshes, seenInRefresh: refresh)
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = Int32(slots.count)
            slots.append(entry)
        }
        if duringRefresh {
            entry.position = Int32(nextDumpOrder.count)
            nextDumpOrder.append(slot)
        } else {
            entry.position = Int32(dumpOrder.count)
            dumpOrder.append(slot)
        }
        slots[Int(slot)] = entry
        index[connection.key] = slot
        if connection.holdsItsTuple { byEndpoints[connection.endpointKey] = slot }
        counts.add(connection)
        if order != nil { sorted.place(slot) }
        record(WatchEvent(kind: atStart ? .present : .open, time: now, connection: connection))
        if endIsOwed { awaitDestroy(of: connection) }
    }

    /// A socket present before, seen again.
    private mutating func update(_ slot: Int32, with connection: Connection, inRefresh refresh: Int) {
        let s = Int(slot)
        var connection = connection
        if !connection.canFollow(slots[s].connection) {
            guard connection.cookie != 0 else {
                // No arrow of the diagram leads there: a new socket on the same endpoints (/proc has no cookie).
                retire(slot, inRefresh: refresh)
                insert(connection, inRefresh: refresh)
                return
            }
            // The same socket by its cookie, reported in a state it cannot have gone back to: under churn, a
            // TIME_WAIT socket is now and then dumped as FIN_WAIT_2 (its substate) after a lookup said
            // TIME_WAIT. Keep the state it had; no arrow the diagram lacks is printed.
            connection.kernelState = slots[s].connection.kernelState
        }
        slots[s].missedAt = nil
        if refresh > refreshCount, slots[s].seenInRefresh != refresh {
            seenCount += 1
            slots[s].position = Int32(nextDumpOrder.count)
            nextDumpOrder.append(slot)
        }
        slots[s].seenInRefresh = refresh
        let oldState = slots[s].connection.kernelState
        guard oldState != connection.kernelState else {
            slots[s].connection = connection
            return
        }
        let old = slots[s]
        slots[s].connection = connection
        counts.remove(old.connection)
        counts.add(connection)
        if order == .state { sorted.place(slot) }
        guard !connection.hasSameState(as: old.connection) else { return }
        slots[s].previousKernelState = oldState
        slots[s].enteredAt = now.monotonicMilliseconds
        slots[s].enteredAtIsKnown = true
        slots[s].mark = .changed
        // Counted from the refresh being taken: the mark is drawn `markedRefreshes` times.
        slots[s].markedUntilRefresh = refreshCount + 1 + markedRefreshes
        record(WatchEvent(
            kind: .change, time: now, connection: connection, previousKernelState: oldState,
            previousStateMilliseconds: old.enteredAtIsKnown ? old.age(at: now) : nil))
        if refresh > refreshCount, connection.isTimewait, !old.connection.isTimewait,
           !destroyedAwaitingPoll.contains(old.connection.key) {
            awaitDestroy(of: connection)
        }
    }

    /// A poll printed `connection`'s change or open into TIME_WAIT: the end of a full socket whose destroy message is to come.
    private mutating func awaitDestroy(of connection: Connection) {
        guard connection.cookie != 0 else { return }
        endsAwaitingDestroy[connection.endpointKey, default: (0, 0)].count += 1
        endsAwaitingDestroy[connection.endpointKey]?.printedAt = now.monotonicMilliseconds
    }

    /// Takes one TIME_WAIT end a poll printed on these endpoints, if there is one.
    private mutating func takeEndAwaitingDestroy(on endpoints: ConnectionKey) -> Bool {
        guard let awaiting = endsAwaitingDestroy[endpoints] else { return false }
        endsAwaitingDestroy[endpoints] = awaiting.count > 1 ? (awaiting.count - 1, awaiting.printedAt) : nil
        return true
    }

    /// Takes a present socket out; returns its entry.
    private mutating func remove(_ slot: Int32) -> Entry {
        let entry = slots[Int(slot)]
        slots[Int(slot)].isLive = false
        index[entry.connection.key] = nil
        // Whatever its state now: it was filed by the state it was inserted in.
        if entry.connection.cookie != 0, byEndpoints[entry.connection.endpointKey] == slot {
            byEndpoints[entry.connection.endpointKey] = nil
        }
        freeSlots.append(slot)
        counts.remove(entry.connection)
        if order != nil { sorted.remove(slot) }
        return entry
    }

    /// A full socket a poll saw go is remembered until its destroy message
    /// comes, so that the message is not a second close. A cookie names one
    /// socket, so the memory can be long; TIME_WAIT and request sockets get
    /// no destroy message, and without a cookie there are none to expect.
    private mutating func rememberClosedByPoll(_ connection: Connection) {
        guard connection.cookie != 0, !connection.isTimewait, !connection.isRequest else { return }
        recentlyClosed[connection.key] = now.monotonicMilliseconds
    }

    /// Files a present entry under a new key (its tuple stays).
    private mutating func rekey(_ slot: Int32, to key: ConnectionKey) {
        index[slots[Int(slot)].connection.key] = nil
        index[key] = slot
    }

    /// Closes a present socket that a poll will not see again.
    private mutating func retire(_ slot: Int32, inRefresh refresh: Int) {
        let entry = remove(slot)
        close(entry.connection, previous: entry)
        rememberClosedByPoll(entry.connection)
        // finishRefresh looks for the unseen only when fewer were seen than were present.
        if refresh > refreshCount, entry.seenInRefresh != refresh { presentAtBegin -= 1 }
    }

    private mutating func updateOrder() {
        guard let order else { return }
        let slots = self.slots
        sorted.update { order.areInIncreasingOrder(slots[Int($0)].connection, slots[Int($1)].connection) }
    }

    /// A close, at the first poll that missed the socket if one did.
    private mutating func close(_ connection: Connection, previous: Entry?) {
        var time = now
        if let missedAt = previous?.missedAt, missedAt.monotonicMilliseconds < time.monotonicMilliseconds { time = missedAt }
        let event = WatchEvent(
            kind: .close, time: time, connection: connection,
            previousKernelState: previous?.connection.kernelState,
            previousStateMilliseconds: previous.flatMap { $0.enteredAtIsKnown ? $0.age(at: time) : nil })
        if keepsGone { gone.append(event) }
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

extension Connection {
    /// A connected TCP socket with a cookie: no other socket has its 4-tuple now.
    fileprivate var holdsItsTuple: Bool {
        cookie != 0 && transport == .tcp && remote.port != 0 && kernelState != KernelTCPState.close
    }

    /// A request socket: SYN_RCVD (sock_diag reports NEW_SYN_RECV as it).
    fileprivate var isRequest: Bool {
        kernelState == KernelTCPState.synReceived || kernelState == KernelTCPState.newSynReceived
    }
}
