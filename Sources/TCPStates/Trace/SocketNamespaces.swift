/// Which network namespace each traced socket object is in. The tracepoint
/// names none; sock_diag, asked in one namespace for exact endpoints, says
/// whether a socket with them stands there.
///
/// Hint, then proof. A change that ran in a process's context (not in an
/// interrupt: see `SocketStateChange.ranInInterrupt`) ran in a system call of
/// that task on the socket, so the socket is most likely in the network
/// namespace the task stands in (/proc/PID/ns/net, read once per task and
/// step). That is only a hint: a task may work a socket made in another
/// namespace (setns(2) after socket(2), a descriptor passed over a Unix
/// socket), and its pid may have been reused by the time it is read. So the
/// hinted namespace is asked alone for the socket's endpoints (on loopback,
/// which never leaves a namespace, for its peer's too), and names the
/// socket only when they stand there. Otherwise, and for sockets whose
/// changes in the step all ran in interrupt context, every namespace is
/// asked: the one namespace where the endpoints stand names the socket;
/// none, or several, leave it unknown.
///
/// What is inferred: the socket is the one with its endpoints in the
/// namespace that names it. A hinted namespace that holds the endpoints wins
/// even if another namespace holds the same four endpoints too (not asked):
/// being wrong would need a task working a foreign namespace's socket while
/// its own namespace has a socket with the very same addresses and ports.
///
/// A socket found once keeps its namespace until it closes (its kernel
/// address may then be reused).
///
/// Each lookup asks one namespace (about 1.5 microseconds here); with
/// hundreds of namespaces under full churn the searches of every namespace
/// would keep the tracer from emptying the kernel's buffer. So a step makes
/// at most `lookupBudget` of them (about 0.1 s of work), sockets that close
/// into TIME_WAIT first, and the sockets left over stay unknown.
struct SocketNamespaces {
    private let locator: SocketLocating
    /// The namespace of each open socket object, by kernel address.
    private var bySocket: [UInt64: UInt64] = [:]
    /// Lookups made during one step, by endpoints: a connection's two sides
    /// and the TIME_WAIT lookup often ask for the same endpoints.
    private var sightings: [Endpoints: Sightings] = [:]
    /// The namespace of each task seen in process context during one step
    /// (nil: it could not be told). A pid is reused once its task exits, so
    /// never kept across steps; within one, the lookup proves the hint anyway.
    private var taskNamespaces: [Int32: UInt64?] = [:]
    private let capacity: Int
    /// Lookups one step may make (each asks one namespace).
    let lookupBudget: Int
    private var lookupsLeft = 0

    struct Endpoints: Hashable {
        var local: Endpoint
        var remote: Endpoint

        /// The endpoints of the peer of a connection between these.
        var swapped: Endpoints { Endpoints(local: remote, remote: local) }
        var areLoopback: Bool { local.address.isLoopback && remote.address.isLoopback }
    }

    /// What the lookups of one step found for some endpoints.
    struct Sightings {
        /// Every namespace was asked.
        var everywhere = false
        /// The namespaces asked alone.
        var asked: [UInt64] = []
        var found: [SocketSighting] = []

        /// What was found in `netns` (every namespace when nil), nil when it was not asked.
        func found(in netns: UInt64?) -> [SocketSighting]? {
            if everywhere { return netns.map { inode in found.filter { $0.netns == inode } } ?? found }
            guard let netns, asked.contains(netns) else { return nil }
            return found.filter { $0.netns == netns }
        }
    }

    init(locator: SocketLocating, capacity: Int = 1 << 20, lookupBudget: Int = 65536) {
        self.locator = locator
        self.capacity = capacity
        self.lookupBudget = lookupBudget
    }

    /// The namespace of each of `changes` (in time order), nil where unknown.
    /// A socket's changes in one step share one lookup, made with the last
    /// endpoints it had (a connecting socket has port 0 before connect()),
    /// hinted by the last of them that ran in a process's context.
    mutating func resolve(_ changes: [SocketStateChange]) -> [UInt64?] {
        if let only = locator.onlyNamespace {
            bySocket.removeAll()
            return changes.map { _ in only }
        }
        // One life of a socket object: from its first change in this step, or
        // from a change after CLOSE, to its CLOSE or the end of the step.
        lookupsLeft = lookupBudget
        var lives: [(socket: UInt64, netns: UInt64?, endpoints: Endpoints?, task: Int32?, closed: Bool, intoTimewait: Bool)] = []
        var open: [UInt64: Int] = [:]
        var lifeOf: [Int] = []
        lifeOf.reserveCapacity(changes.count)
        for change in changes {
            let life: Int
            if let current = open[change.socket] {
                life = current
            } else {
                // The first life of an address in a step continues a socket seen before, if any.
                let continuing = lives.contains { $0.socket == change.socket } ? nil : bySocket[change.socket]
                lives.append((change.socket, continuing, nil, nil, false, false))
                life = lives.count - 1
                open[change.socket] = life
            }
            if change.local.port != 0 && (change.remote.port != 0 || change.newState == KernelTCPState.listen
                                          || change.oldState == KernelTCPState.listen) {
                lives[life].endpoints = Endpoints(local: change.local, remote: change.remote)
            }
            if !change.ranInInterrupt && change.pid > 0 { lives[life].task = change.pid }
            if change.newState == KernelTCPState.close {
                lives[life].closed = true
                lives[life].intoTimewait = change.oldState == KernelTCPState.finWait2 || change.oldState == KernelTCPState.closing
                open[change.socket] = nil
            }
            lifeOf.append(life)
        }
        // Sockets closing into TIME_WAIT first: their lookup also serves the
        // TIME_WAIT follower, and on loopback it names their peer too.
        var peers: [Endpoints: [Int]] = [:]
        for (index, life) in lives.enumerated() where life.netns == nil {
            if let endpoints = life.endpoints { peers[endpoints, default: []].append(index) }
        }
        let order = lives.indices.filter { lives[$0].intoTimewait } + lives.indices.filter { !lives[$0].intoTimewait }
        for index in order where lives[index].netns == nil {
            guard let endpoints = lives[index].endpoints else { continue }
            let proven = lives[index].task.flatMap { provenNamespace(of: endpoints, hintedBy: $0) }
            guard let netns = proven ?? namespace(of: endpoints) else { continue }
            lives[index].netns = netns
            if endpoints.areLoopback {
                for peer in peers[endpoints.swapped] ?? [] where lives[peer].netns == nil {
                    lives[peer].netns = netns
                }
            }
        }
        if bySocket.count >= capacity { bySocket.removeAll(keepingCapacity: true) }
        for life in lives {
            bySocket[life.socket] = life.closed ? nil : life.netns
        }
        return lifeOf.map { lives[$0].netns }
    }

    /// The namespace task `pid` stands in, when these endpoints (or, on
    /// loopback, the peer's) stand there: asked of that namespace alone.
    private mutating func provenNamespace(of endpoints: Endpoints, hintedBy pid: Int32) -> UInt64? {
        let hint: UInt64?
        if let known = taskNamespaces[pid] {
            hint = known
        } else {
            hint = locator.namespace(ofTask: pid)
            taskNamespaces[pid] = hint
        }
        guard let hint else { return nil }
        if look(endpoints, in: hint)?.isEmpty == false { return hint }
        guard endpoints.areLoopback, look(endpoints.swapped, in: hint)?.isEmpty == false else { return nil }
        return hint
    }

    /// The one namespace where these endpoints stand, or, on loopback (which
    /// never leaves a namespace), where the swapped endpoints of the peer
    /// stand: a server's socket is often gone when its client is still in TIME_WAIT.
    private mutating func namespace(of endpoints: Endpoints) -> UInt64? {
        guard let found = look(endpoints, in: nil) else { return nil }
        if found.count == 1 { return found[0].netns }
        guard found.isEmpty, endpoints.areLoopback, let peer = look(endpoints.swapped, in: nil) else { return nil }
        return peer.count == 1 ? peer[0].netns : nil
    }

    /// The answer of namespace `netns` for `endpoints`, or of every namespace
    /// when nil; nil when the step's budget cannot pay for it (when `charged`).
    private mutating func look(_ endpoints: Endpoints, in netns: UInt64?, charged: Bool = true) -> [SocketSighting]? {
        if let known = sightings[endpoints]?.found(in: netns) { return known }
        let cost = netns == nil ? locator.namespaceCount : 1
        if charged {
            guard lookupsLeft >= cost else { return nil }
            lookupsLeft -= cost
        }
        let found = locator.locate(local: endpoints.local, remote: endpoints.remote, in: netns)
        if let netns {
            sightings[endpoints, default: Sightings()].asked.append(netns)
            sightings[endpoints, default: Sightings()].found += found
        } else {
            sightings[endpoints] = Sightings(everywhere: true, found: found)
        }
        return found
    }

    /// The TIME_WAIT follower's lookup: the state of the socket with the
    /// transition's endpoints, in its namespace when known (that one lookup
    /// is not charged to the step's budget); nil when there is none, or
    /// several in different namespaces.
    mutating func find(_ transition: StateTransition) -> (state: UInt8, netns: NetnsIdentity)? {
        let endpoints = Endpoints(local: transition.local, remote: transition.remote)
        let netns = transition.netns?.inode
        guard let found = look(endpoints, in: netns, charged: netns == nil), found.count == 1 else { return nil }
        return (found[0].state, identity(found[0].netns))
    }

    /// Forgets the step's lookups and task namespaces: later ones must see the kernel anew.
    mutating func endStep() {
        sightings.removeAll(keepingCapacity: true)
        taskNamespaces.removeAll(keepingCapacity: true)
    }

    func identity(_ inode: UInt64) -> NetnsIdentity {
        locator.identity(of: inode) ?? NetnsIdentity(inode: inode)
    }
}

extension IPAddress {
    /// 127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into IPv6: addresses whose
    /// traffic stays inside the namespace's own loopback device.
    var isLoopback: Bool {
        if let mapped = ipv4Mapped { return mapped.isLoopback }
        switch family {
        case .ipv4: return low >> 24 == 127
        case .ipv6: return high == 0 && low == 1
        }
    }
}
