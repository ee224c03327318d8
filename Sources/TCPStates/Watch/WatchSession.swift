/// What one step of the watch produced.
public struct WatchStep: Sendable {
    /// Events in the order they happened: destroyed sockets, then a poll's.
    public var events: [WatchEvent] = []
    public var losses: [WatchLoss] = []
    /// Whether a poll was taken.
    public var refreshed = false

    public init() {}
}

/// The watch without its face: polls on a schedule, destroy events as they
/// come, and the tracker that turns both into events. It takes one step at
/// a time; a loop in the executable waits in poll(2) on
/// `destroyFileDescriptor` (and its own descriptors) for at most
/// `timeout(at:)` and then calls `step`. All of it runs on that loop's thread.
public final class WatchSession {
    public var tracker = SocketTracker()
    /// The source the first poll settled on.
    public private(set) var source: SourceKind
    public private(set) var schedule: RefreshSchedule
    /// Every loss so far, for the exit line.
    public private(set) var losses = WatchLossTally()
    /// From a loss until the second poll after it: the screen marks its header meanwhile.
    public var isResynchronising: Bool { pollsUntilResynchronised > 0 }
    /// A socket whose end was lost is closed only by the polls that miss it (SocketTracker.pollsToClose).
    private var pollsUntilResynchronised = 0

    private var lister: ConnectionLister
    /// The namespaces followed when the plan names several; the lister is then unused.
    private let namespaces: WatchedNamespaces?
    private let filter: ConnectionFilter
    private let ownerFilter: OwnerFilter
    /// What the listing would show and filter on: owners, timers, tcp_info.
    public let plan: ListingPlan
    /// The owners of the sockets, when the plan shows or filters on them.
    public let owners: WatchOwners?
    private let destroyListener: DestroyListener?
    private var reportedNotices: Set<String> = []
    private let notice: (String) -> Void
    private let clock: () -> WatchInstant
    /// Said after the first poll: if that poll fails, its error is the one line printed.
    private var pollingOnlyNotice: String?

    /// The descriptor that becomes readable when destroyed sockets are queued, if subscribed.
    public var destroyFileDescriptor: Int32? { namespaces?.destroyFileDescriptor ?? destroyListener?.fileDescriptor }

    /// Enters the plan's namespace, scans for owners if the plan wants them,
    /// subscribes to destroy events (unless the source is /proc) and starts
    /// their reader thread; the first poll is due at once. When the plan
    /// names several namespaces (`plan.namespaces`), it stays in its own,
    /// scans the owners of every namespace, and each poll subscribes in the
    /// namespaces that appeared (`WatchedNamespaces`). `notice` receives
    /// each distinct notice once; `destroyReceiveBufferBytes` overrides the
    /// destroy socket's receive buffer (the overflow test makes it small).
    /// Make any SignalEvents first: the reader thread inherits the signal mask.
    public init(
        plan: ListingPlan, source: SourceKind, procNetDirectory: String = "/proc/net",
        intervalMilliseconds: Int64, destroyReceiveBufferBytes: Int32? = nil,
        clock: @escaping () -> WatchInstant = { WatchClock.now },
        notice: @escaping (String) -> Void
    ) throws {
        // First: the netlink sockets, /proc/net and the owner scan all follow it.
        if let namespace = plan.namespace, plan.namespaces == nil { try NetworkNamespace.enter(namespace) }
        self.plan = plan
        filter = plan.filter
        ownerFilter = plan.ownerFilter
        self.notice = notice
        self.clock = clock
        // Socket inodes are machine-wide: across namespaces, one scan of every process finds the owners.
        owners = plan.looksUpOwners ? try WatchOwners(everyNamespace: plan.namespaces != nil) : nil
        lister = ConnectionLister(filter: filter, kind: source)
        lister.procNetDirectory = procNetDirectory
        lister.extensions = plan.extensions
        if let owners {
            let ownerFilter = plan.ownerFilter
            lister.accepts = { connection in
                // Asked even without a filter: an owner not known yet asks for a new scan.
                let found = owners.owners(of: connection.inode)
                return ownerFilter.isEmpty || ownerFilter.matches(found)
            }
        }
        self.source = source
        schedule = RefreshSchedule(intervalMilliseconds: intervalMilliseconds, start: clock().monotonicMilliseconds)
        var destroyEvents = DestroyListener.Configuration(filter: filter)
        if let destroyReceiveBufferBytes { destroyEvents.receiveBufferBytes = destroyReceiveBufferBytes }
        var destroyListener: DestroyListener?
        var why = "--source proc"
        if let selection = plan.namespaces {
            namespaces = try WatchedNamespaces(
                selection: selection, filter: filter, extensions: plan.extensions, kind: source, accepts: lister.accepts,
                destroyEvents: source == .proc ? nil : destroyEvents, notice: notice)
        } else {
            namespaces = nil
            if source != .proc {
                do {
                    let listener = try DestroyListener(destroyEvents)
                    try listener.start()
                    destroyListener = listener
                } catch {
                    why = error.message
                }
            }
        }
        self.destroyListener = destroyListener
        if destroyListener == nil, namespaces?.destroyFileDescriptor == nil {
            pollingOnlyNotice = "no sock_diag destroy events (\(why)): polling only, sockets that open and close between refreshes are missed"
        }
    }

    /// A session of the listing of `filter` and nothing more.
    public convenience init(
        filter: ConnectionFilter, source: SourceKind, procNetDirectory: String = "/proc/net",
        intervalMilliseconds: Int64, clock: @escaping () -> WatchInstant = { WatchClock.now },
        notice: @escaping (String) -> Void
    ) throws {
        var request = ListingRequest()
        request.filter = filter
        request.transports = filter.transports
        try self.init(plan: ListingPlan(request), source: source, procNetDirectory: procNetDirectory,
                      intervalMilliseconds: intervalMilliseconds, clock: clock, notice: notice)
    }

    /// The one-shot table's columns (PROTO, NETNS, PROCESS, TIMER and tcp_info
    /// when the plan shows them), with the owners as the last scan found them
    /// and the namespaces as the last poll found them.
    public var tableColumns: [TableColumn] {
        let columns: [ListingColumn]
        if case .columnTable(let planned) = plan.renderer { columns = planned } else { columns = ListingColumn.standard }
        let identities = namespaces?.identities ?? [:]
        return columns.map { $0.tableColumn(owners: owners?.table, namespaces: identities) }
    }

    /// The members NDJSON events carry besides the standard ones, as `--json` would write them.
    public var eventMembers: ((Connection, ByteWriter) -> Void)? {
        guard case .json(let members) = plan.renderer else { return nil }
        return members.writer(owners: owners?.table, namespaces: namespaces?.identities ?? [:])
    }

    deinit { destroyListener?.stop() }

    /// Milliseconds until the next step is due, for poll(2).
    public func timeout(at now: WatchInstant) -> Int32 { schedule.timeout(at: now.monotonicMilliseconds) }

    /// Takes the destroyed sockets queued so far and, when one is due, a poll.
    public func step(at now: WatchInstant) throws -> WatchStep {
        var step = WatchStep()
        try readDestroyed(at: now, into: &step)
        if schedule.isDue(at: now.monotonicMilliseconds) {
            step.events += try refresh(at: now)
            step.refreshed = true
            schedule.refreshed(at: clock().monotonicMilliseconds)
        }
        return step
    }

    /// One poll of the sockets; returns its events.
    private func refresh(at now: WatchInstant) throws -> [WatchEvent] {
        lister.notice = { [weak self] in self?.report($0) }
        tracker.beginRefresh(at: now)
        if let namespaces {
            source = try namespaces.poll(into: &tracker)
        } else {
            // After the first poll, stay with its source rather than retrying netlink every refresh.
            source = try lister.list(into: &tracker)
            lister.kind = source
        }
        if let pollingOnlyNotice {
            report(pollingOnlyNotice)
            self.pollingOnlyNotice = nil
        }
        pollsUntilResynchronised = max(0, pollsUntilResynchronised - 1)
        let events = tracker.finishRefresh()
        // New sockets of unknown owners: scan now, so that this refresh's events already name them.
        owners?.rescanIfNeeded(present: tracker.entries.values.map(\.connection.inode))
        return events
    }

    private func readDestroyed(at now: WatchInstant, into step: inout WatchStep) throws {
        guard let batch = namespaces?.takeDestroyed() ?? destroyListener?.take() else { return }
        if let failure = batch.failure { throw failure }
        if batch.kernelOverflows > 0 { lose(WatchLoss(time: now, what: .destroyEvents, count: nil), into: &step) }
        if batch.backlogDrops > 0 {
            lose(WatchLoss(time: now, what: .destroyBacklog, count: batch.backlogDrops), into: &step)
        }
        for socket in batch.sockets {
            // A freed socket's owners are gone with it: with an owner filter, only a socket a poll saw counts.
            if !ownerFilter.isEmpty, tracker.entries[socket.destroyed.key] == nil { continue }
            let successor = socket.successor.flatMap { filter.matches($0) && accepts($0) ? $0 : nil }
            step.events += tracker.observeDestroyed(
                socket.destroyed, current: successor, successorIsUnknown: socket.successorIsUnknown, at: now)
        }
    }

    private func accepts(_ connection: Connection) -> Bool { lister.accepts?(connection) ?? true }

    private func lose(_ loss: WatchLoss, into step: inout WatchStep) {
        losses.add(loss)
        step.losses.append(loss)
        pollsUntilResynchronised = SocketTracker.pollsToClose
    }

    private func report(_ message: String) {
        if reportedNotices.insert(message).inserted { notice(message) }
    }
}
