import Testing
@testable import TCPStates

/// The TIME_WAIT that the tracepoint never reports, found through sock_diag
/// in the socket's own namespace.
@Suite struct TimewaitFollowerTests {
    static let local = TraceRenderingTests.endpoint("127.0.0.1", 40000)
    static let remote = TraceRenderingTests.endpoint("127.0.0.1", 7000)
    static let container = NetnsIdentity(inode: 4026532999, name: "web")

    static func closing(_ old: UInt8, netns: NetnsIdentity? = nil) -> StateTransition {
        StateTransition(time: 0, local: local, remote: remote, previousState: old, state: 7,
                        stateNanoseconds: 2_000_000, task: nil, netns: netns)
    }

    @Test func showsWhereTheClosedSocketWent() {
        var answers: [UInt8?] = [6]
        var asked: [StateTransition] = []
        var follower = TimewaitFollower { transition in
            asked.append(transition)
            return answers.removeFirst().map { ($0, Self.container) }
        }
        let direct = follower.closed(Self.closing(5), at: 10_000_000)
        #expect(direct?.state == 6 && direct?.stateSeenThroughSockDiag == true)
        #expect(direct?.netns == Self.container, "the namespace where the lookup found it names the arrow")
        answers = [6]
        #expect(follower.closed(Self.closing(11), at: 10_000_000)?.state == 6, "CLOSING -> TIME_WAIT")
        // An orphan: FIN_WAIT_2 minisock, still FIN_WAIT_2 at the first check, then TIME_WAIT.
        answers = [5]
        #expect(follower.closed(Self.closing(5), at: 10_000_000) == nil)
        #expect(follower.nextCheck == 11_000_000)
        answers = [5]
        #expect(follower.check(now: 11_000_000, wallClockOffset: 0).isEmpty)
        #expect(asked.last?.netns == Self.container, "later checks ask the namespace found first")
        #expect(follower.nextCheck == 13_000_000, "checks back off")
        follower.peerChanged(local: Self.remote, remote: Self.local, netns: Self.container.inode)
        answers = [6]
        let late = follower.check(now: 12_000_000, wallClockOffset: 5)
        #expect(late.map(\.state) == [6] && late.first?.stateNanoseconds == 4_000_000 && late.first?.time == 12_000_005)
        #expect(late.first?.netns == Self.container)
        #expect(follower.count == 0)
        // A minisock that is gone is CLOSED; a close with no timewait socket passes as the kernel said.
        answers = [5, nil]
        _ = follower.closed(Self.closing(5), at: 0)
        #expect(follower.check(now: 1_000_000, wallClockOffset: 0).map(\.state) == [7])
        answers = [nil]
        #expect(follower.closed(Self.closing(5), at: 0) == Self.closing(5))
        #expect(follower.closed(Self.closing(9), at: 0) == Self.closing(9), "LAST_ACK -> CLOSE is not looked up")
    }

    @Test func theSameEndpointsInTwoNamespacesAreFollowedApart() {
        let other = NetnsIdentity(inode: 4026533000, name: "db")
        var follower = TimewaitFollower { transition in (5, transition.netns ?? Self.container) }
        #expect(follower.closed(Self.closing(5, netns: Self.container), at: 0) == nil)
        #expect(follower.closed(Self.closing(5, netns: other), at: 0) == nil)
        #expect(follower.count == 2)
        // Only the peer in "db" changed: only the "db" orphan is due at once.
        follower.peerChanged(local: Self.remote, remote: Self.local, netns: other.inode)
        #expect(follower.nextCheck == 0)
        follower = TimewaitFollower { transition in (5, transition.netns ?? Self.container) }
        _ = follower.closed(Self.closing(5, netns: Self.container), at: 0)
        follower.peerChanged(local: Self.remote, remote: Self.local, netns: other.inode)
        #expect(follower.nextCheck == TimewaitFollower.firstInterval, "a peer in another namespace is not this one's")
    }
}

/// Sockets by endpoints in made-up namespaces: what sock_diag would answer in each.
final class FakeLocator: SocketLocating {
    static let host: UInt64 = 4026531840
    static let container: UInt64 = 4026532412

    struct Key: Hashable {
        var local: Endpoint
        var remote: Endpoint
    }

    var sockets: [Key: [SocketSighting]] = [:]
    var only: UInt64?
    /// The namespace of each task, by kernel pid.
    var tasks: [Int32: UInt64] = [:]
    /// Lookups made, one a namespace asked: a `locate` of every namespace counts `namespaceCount`.
    private(set) var lookups = 0
    /// The namespace each `locate` asked, nil for every namespace.
    private(set) var asked: [UInt64?] = []
    /// The endpoints each `locate` asked for, beside `asked`.
    private(set) var askedFor: [Key] = []
    private(set) var taskQueries: [Int32] = []
    private(set) var refreshes: [UInt64] = []

    init(only: UInt64? = nil) { self.only = only }

    /// Puts a socket with these endpoints in namespace `netns`, in `state`.
    func place(_ local: Endpoint, _ remote: Endpoint, in netns: UInt64, state: UInt8) {
        sockets[Key(local: local, remote: remote), default: []].append(SocketSighting(netns: netns, state: state))
    }

    var onlyNamespace: UInt64? { only }
    var namespaceCount: Int { only == nil ? 2 : 1 }

    func identity(of netns: UInt64) -> NetnsIdentity? {
        netns == Self.container ? NetnsIdentity(inode: netns, name: "web") : NetnsIdentity(inode: netns)
    }

    func locate(local: Endpoint, remote: Endpoint, in netns: UInt64?) -> [SocketSighting] {
        lookups += netns == nil ? namespaceCount : 1
        asked.append(netns)
        askedFor.append(Key(local: local, remote: remote))
        let found = sockets[Key(local: local, remote: remote)] ?? []
        return netns.map { inode in found.filter { $0.netns == inode } } ?? found
    }

    func namespace(ofTask pid: Int32) -> UInt64? {
        taskQueries.append(pid)
        return tasks[pid]
    }

    func refresh(now: UInt64) { refreshes.append(now) }
}
