/// Which network namespace each traced socket object is in. The tracepoint
/// names none, so the endpoints are looked up in every namespace: the one
/// namespace where they stand names the socket; none, or several, leave it
/// unknown. A socket found once keeps its namespace until it closes (its
/// kernel address may then be reused).
///
/// Each lookup asks one namespace (about 1.5 microseconds here); with
/// hundreds of namespaces under full churn they would keep the tracer from
/// emptying the kernel's buffer. So a step makes at most `lookupBudget` of
/// them (about 0.1 s of work), sockets that close into TIME_WAIT first, and
/// the sockets left over stay unknown.
struct SocketNamespaces {
    private let locator: SocketLocating
    /// The namespace of each open socket object, by kernel address.
    private var bySocket: [UInt64: UInt64] = [:]
    /// Lookups made during one step, by endpoints: a connection's two sides
    /// and the TIME_WAIT lookup often ask for the same endpoints.
    private var sightings: [Endpoints: [SocketSighting]] = [:]
    private let capacity: Int
    /// Lookups one step may make (each asks one namespace).
    let lookupBudget: Int
    private var lookupsLeft = 0

    struct Endpoints: Hashable {
        var local: Endpoint
        var remote: Endpoint
    }

    init(locator: SocketLocating, capacity: Int = 1 << 20, lookupBudget: Int = 65536) {
        self.locator = locator
        self.capacity = capacity
        self.lookupBudget = lookupBudget
    }

    /// The namespace of each of `changes` (in time order), nil where unknown.
    /// A socket's changes in one step share one lookup, made with the last
    /// endpoints it had (a connecting socket has port 0 before connect()).
    mutating func resolve(_ changes: [SocketStateChange]) -> [UInt64?] {
        if let only = locator.onlyNamespace {
            bySocket.removeAll()
            return changes.map { _ in only }
        }
        // One life of a socket object: from its first change in this step, or
        // from a change after CLOSE, to its CLOSE or the end of the step.
        lookupsLeft = lookupBudget
        var lives: [(socket: UInt64, netns: UInt64?, endpoints: Endpoints?, closed: Bool, intoTimewait: Bool)] = []
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
                lives.append((change.socket, continuing, nil, false, false))
                life = lives.count - 1
                open[change.socket] = life
            }
            if change.local.port != 0 && (change.remote.port != 0 || change.newState == KernelTCPState.listen
                                          || change.oldState == KernelTCPState.listen) {
                lives[life].endpoints = Endpoints(local: change.local, remote: change.remote)
            }
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
            guard let endpoints = lives[index].endpoints, let netns = namespace(of: endpoints) else { continue }
            lives[index].netns = netns
            if endpoints.local.address.isLoopback && endpoints.remote.address.isLoopback {
                for peer in peers[Endpoints(local: endpoints.remote, remote: endpoints.local)] ?? [] where lives[peer].netns == nil {
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

    /// The one namespace where these endpoints stand, or, on loopback (which
    /// never leaves a namespace), where the swapped endpoints of the peer
    /// stand: a server's socket is often gone when its client is still in TIME_WAIT.
    private mutating func namespace(of endpoints: Endpoints) -> UInt64? {
        guard let found = look(endpoints) else { return nil }
        if found.count == 1 { return found[0].netns }
        guard found.isEmpty, endpoints.local.address.isLoopback, endpoints.remote.address.isLoopback else { return nil }
        guard let peer = look(Endpoints(local: endpoints.remote, remote: endpoints.local)) else { return nil }
        return peer.count == 1 ? peer[0].netns : nil
    }

    /// Every namespace's answer for `endpoints`; nil when the step's budget
    /// cannot pay for asking them all.
    private mutating func look(_ endpoints: Endpoints) -> [SocketSighting]? {
        if let known = sightings[endpoints] { return known }
        let cost = locator.namespaceCount
        guard lookupsLeft >= cost else { return nil }
        lookupsLeft -= cost
        let found = locator.locate(local: endpoints.local, remote: endpoints.remote, in: nil)
        sightings[endpoints] = found
        return found
    }

    /// The TIME_WAIT follower's lookup: the state of the socket with the
    /// transition's endpoints, in its namespace when known; nil when there
    /// is none, or several in different namespaces.
    mutating func find(_ transition: StateTransition) -> (state: UInt8, netns: NetnsIdentity)? {
        let endpoints = Endpoints(local: transition.local, remote: transition.remote)
        var found: [SocketSighting]
        if let known = sightings[endpoints] {
            found = known
        } else if let netns = transition.netns?.inode {
            found = locator.locate(local: endpoints.local, remote: endpoints.remote, in: netns)
        } else {
            // Unknown namespace: every one is asked, within the step's budget.
            guard let all = look(endpoints) else { return nil }
            found = all
        }
        if let netns = transition.netns?.inode { found = found.filter { $0.netns == netns } }
        guard found.count == 1 else { return nil }
        return (found[0].state, identity(found[0].netns))
    }

    /// Forgets the step's lookups: later ones must see the kernel anew.
    mutating func endStep() { sightings.removeAll(keepingCapacity: true) }

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
