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
    /// From a loss until a poll taken after it: the screen marks its header meanwhile.
    public private(set) var isResynchronising = false

    private var lister: ConnectionLister
    private let filter: ConnectionFilter
    private let destroyListener: DestroyListener?
    private var reportedNotices: Set<String> = []
    private let notice: (String) -> Void
    private let clock: () -> WatchInstant
    /// Said after the first poll: if that poll fails, its error is the one line printed.
    private var pollingOnlyNotice: String?

    /// The descriptor that becomes readable when destroyed sockets are queued, if subscribed.
    public var destroyFileDescriptor: Int32? { destroyListener?.fileDescriptor }

    /// Subscribes to destroy events (unless the source is /proc) and starts
    /// their reader thread; the first poll is due at once. `notice` receives
    /// each distinct notice once; `destroyReceiveBufferBytes` overrides the
    /// destroy socket's receive buffer (the overflow test makes it small).
    public init(
        filter: ConnectionFilter, source: SourceKind, procNetDirectory: String = "/proc/net",
        intervalMilliseconds: Int64, destroyReceiveBufferBytes: Int32? = nil,
        clock: @escaping () -> WatchInstant = { WatchClock.now },
        notice: @escaping (String) -> Void
    ) {
        self.filter = filter
        self.notice = notice
        self.clock = clock
        lister = ConnectionLister(filter: filter, kind: source)
        lister.procNetDirectory = procNetDirectory
        self.source = source
        schedule = RefreshSchedule(intervalMilliseconds: intervalMilliseconds, start: clock().monotonicMilliseconds)
        var destroyListener: DestroyListener?
        var why = "--source proc"
        if source != .proc {
            do {
                var configuration = DestroyListener.Configuration(filter: filter)
                if let destroyReceiveBufferBytes { configuration.receiveBufferBytes = destroyReceiveBufferBytes }
                let listener = try DestroyListener(configuration)
                try listener.start()
                destroyListener = listener
            } catch {
                why = error.message
            }
        }
        self.destroyListener = destroyListener
        if destroyListener == nil {
            pollingOnlyNotice = "no sock_diag destroy events (\(why)): polling only, sockets that open and close between refreshes are missed"
        }
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
        // After the first poll, stay with its source rather than retrying netlink every refresh.
        source = try lister.list(into: &tracker)
        lister.kind = source
        if let pollingOnlyNotice {
            report(pollingOnlyNotice)
            self.pollingOnlyNotice = nil
        }
        isResynchronising = false
        return tracker.finishRefresh()
    }

    private func readDestroyed(at now: WatchInstant, into step: inout WatchStep) throws {
        guard let destroyListener else { return }
        let batch = destroyListener.take()
        if let failure = batch.failure { throw failure }
        if batch.kernelOverflows > 0 { lose(WatchLoss(time: now, what: .destroyEvents, count: nil), into: &step) }
        if batch.backlogDrops > 0 {
            lose(WatchLoss(time: now, what: .destroyBacklog, count: batch.backlogDrops), into: &step)
        }
        for socket in batch.sockets {
            let successor = socket.successor.flatMap { filter.matches($0) ? $0 : nil }
            step.events += tracker.observeDestroyed(socket.destroyed, current: successor, at: now)
        }
    }

    private func lose(_ loss: WatchLoss, into step: inout WatchStep) {
        losses.add(loss)
        step.losses.append(loss)
        isResynchronising = true
    }

    private func report(_ message: String) {
        if reportedNotices.insert(message).inserted { notice(message) }
    }
}
