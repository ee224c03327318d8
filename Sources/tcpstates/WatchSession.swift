import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// What both faces of watch mode share: the polls, the destroy events and
/// the tracker that turns them into events.
final class WatchSession {
    var tracker = SocketTracker()
    private var lister: ConnectionLister
    private let filter: ConnectionFilter
    private let destroyListener: DestroyListener?
    /// A socket of its own for lookups: the lister opens one per poll.
    private let lookupSocket: NetlinkSocket?
    private var reportedNotices: Set<String> = []
    private let notice: (String) -> Void
    /// The source the first poll settled on.
    private(set) var source: SourceKind

    /// The descriptor that becomes readable when sockets are destroyed, if subscribed.
    var destroyFileDescriptor: Int32? { destroyListener?.fileDescriptor }

    /// `notice` receives each distinct notice once.
    init(filter: ConnectionFilter, source: SourceKind, procNetDirectory: String,
         notice: @escaping (String) -> Void) {
        self.filter = filter
        self.notice = notice
        lister = ConnectionLister(filter: filter, kind: source)
        lister.procNetDirectory = procNetDirectory
        self.source = source
        var destroyListener: DestroyListener?
        var lookupSocket: NetlinkSocket?
        var why = "--source proc"
        if source != .proc {
            do {
                destroyListener = try DestroyListener()
                lookupSocket = try NetlinkSocket()
            } catch {
                destroyListener = nil
                why = error.message
            }
        }
        self.destroyListener = destroyListener
        self.lookupSocket = lookupSocket
        if destroyListener == nil {
            pollingOnlyNotice = "no sock_diag destroy events (\(why)): polling only, sockets that open and close between refreshes are missed"
        }
    }

    /// Said after the first poll: if that poll fails, its error is the one line printed.
    private var pollingOnlyNotice: String?

    /// One poll of the sockets; returns its events.
    func refresh(at now: WatchInstant) throws -> [WatchEvent] {
        lister.notice = { [weak self] in self?.report($0) }
        tracker.beginRefresh(at: now)
        // After the first poll, stay with its source rather than retrying netlink every refresh.
        source = try lister.list(into: &tracker)
        lister.kind = source
        if let pollingOnlyNotice {
            report(pollingOnlyNotice)
            self.pollingOnlyNotice = nil
        }
        return tracker.finishRefresh()
    }

    /// Reads the queued destroy messages; returns their events.
    func readDestroyed(at now: WatchInstant) throws -> [WatchEvent] {
        guard let destroyListener else { return [] }
        var destroyed: [Connection] = []
        let complete = try destroyListener.drain { connection in
            guard filter.families.contains(connection.family) else { return }
            if tracker.entries[connection.key] != nil || filter.mayHaveHeld(destroyed: connection) {
                destroyed.append(connection)
            }
        }
        if !complete { report("the kernel dropped destroy events (too many at once): some closes are seen only by the next poll") }
        var events: [WatchEvent] = []
        for connection in destroyed {
            // A full socket turning into a TIME_WAIT one is destroyed too: look before calling it closed.
            let current = (try? lookupSocket?.lookup(connection.key)).flatMap { $0 }.flatMap {
                filter.matches($0) ? $0 : nil
            }
            events += tracker.observeDestroyed(connection, current: current, at: now)
        }
        return events
    }

    private func report(_ message: String) {
        if reportedNotices.insert(message).inserted { notice(message) }
    }
}

/// The clocks of the watch.
enum WatchClock {
    static var now: WatchInstant {
        var wall = timespec()
        var monotonic = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        clock_gettime(CLOCK_MONOTONIC, &monotonic)
        return WatchInstant(
            wallMilliseconds: Int64(wall.tv_sec) * 1000 + Int64(wall.tv_nsec) / 1_000_000,
            monotonicMilliseconds: Int64(monotonic.tv_sec) * 1000 + Int64(monotonic.tv_nsec) / 1_000_000)
    }

    /// Seconds east of UTC of the local time zone now.
    static var utcOffsetSeconds: Int {
        var seconds = time(nil)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return 0 }
        return parts.tm_gmtoff
    }

    /// Milliseconds until `deadline`, for poll(2): 0 when past.
    static func pollTimeout(until deadline: Int64, from now: WatchInstant) -> Int32 {
        Int32(clamping: max(0, deadline - now.monotonicMilliseconds))
    }
}
