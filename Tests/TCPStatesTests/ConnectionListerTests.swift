import Foundation
import Testing
@testable import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// A sock_diag socket that answers with captured replies: the one-walk
/// dump of both families, or the IPv4 and IPv6 dumps, as the kernel did.
final class CapturedSockDiag: SockDiagDumper {
    /// The requests made, by family (nil: both at once).
    private(set) var requests: [AddressFamily?] = []
    /// Answer the one-walk request with EINVAL, as a kernel without TCPDIAG_GETSOCK would.
    var refusesBothFamilies = false
    /// Answer every request with an error.
    var failsEveryDump = false
    private let bothFamilies: [UInt8]
    private let perFamily: [[UInt8]]

    init() throws {
        bothFamilies = try #require(Fixture.netlinkDumps("sockdiag-dump-both-families.bin").first)
        perFamily = try Fixture.netlinkDumps("sockdiag-dump.bin")
        try #require(perFamily.count == 2, "the capture holds the IPv4 dump then the IPv6 dump")
    }

    func dump(
        family: AddressFamily?, stateMask: UInt32, bytecode: [UInt8]?,
        transport: TransportProtocol, extensions: InetDiagExtensions,
        capture: ((UnsafeRawBufferPointer) -> Void)?, _ body: (Connection) throws -> Void
    ) throws {
        requests.append(family)
        if failsEveryDump || (family == nil && refusesBothFamilies) {
            throw SourceError.system("netlink sock_diag dump failed", EINVAL)
        }
        let reply = switch family {
        case nil: bothFamilies
        case .ipv4: perFamily[0]
        case .ipv6: perFamily[1]
        }
        _ = try reply.withUnsafeBytes { try InetDiagDecoder.decode($0, transport: transport, body) }
    }
}

/// The lister's way from netlink to /proc: both families in one dump, one
/// dump per family when the kernel refuses that, /proc when netlink fails.
@Suite struct ConnectionListerTests {
    @Test func defaultMaskLeavesOutBoundInactiveAndClose() {
        let mask = ConnectionLister.stateMask(for: ConnectionFilter())
        #expect(mask & (1 << 13) == 0, "asking for bound-inactive sockets slows every dump")
        #expect(mask & (1 << 7) == 0)
        for number in [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12] { #expect(mask & (1 << number) != 0, "\(number)") }
        #expect(!ConnectionFilter().wantsBoundInactive)
    }

    @Test func closedAsksForBoundInactiveSockets() throws {
        var filter = ConnectionFilter()
        filter.states = try StateSet(parsing: "CLOSED")
        #expect(ConnectionLister.stateMask(for: filter) == 1 << 7 | 1 << 13)
        filter.states = try StateSet(parsing: "LISTEN")
        #expect(ConnectionLister.stateMask(for: filter) == 1 << 10)
    }

    /// A directory holding the /proc/net captures as `tcp` and `tcp6`.
    static func procNetDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tcpstates-proc-net-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(Fixture.bytes("proc-net-tcp.txt")).write(to: directory.appendingPathComponent("tcp"))
        try Data(Fixture.bytes("proc-net-tcp6.txt")).write(to: directory.appendingPathComponent("tcp6"))
        return directory.path
    }

    struct Run {
        var keys: Set<SocketKey>
        var count: Int
        var source: SourceKind
        var notices: [String]
    }

    static func list(_ socket: CapturedSockDiag?, kind: SourceKind = .auto, procNet: String = "/nonexistent") throws -> Run {
        let filter = ConnectionFilter()
        var lister = ConnectionLister(filter: filter, kind: kind)
        lister.procNetDirectory = procNet
        var notices: [String] = []
        lister.notice = { notices.append($0) }
        lister.openSocket = { () throws(SourceError) -> any SockDiagDumper in
            guard let socket else { throw SourceError.system("cannot open a netlink sock_diag socket", EPROTONOSUPPORT) }
            return socket
        }
        var collector = ConnectionCollector()
        let used = try lister.list(into: &collector)
        #expect(collector.source == used, "the sink is begun with the source used")
        return Run(keys: Set(collector.connections.map(SocketKey.init)), count: collector.connections.count,
                   source: used, notices: notices)
    }

    /// What the filter keeps of decoded sockets.
    static func expected(_ connections: [Connection]) -> Set<SocketKey> {
        let filter = ConnectionFilter()
        return Set(connections.filter(filter.matches).map(SocketKey.init))
    }

    @Test func bothFamiliesComeFromOneDump() throws {
        let socket = try CapturedSockDiag()
        let run = try Self.list(socket)
        #expect(socket.requests == [nil])
        #expect(run.source == .netlink && run.notices.isEmpty)
        let expected = Self.expected(try Fixture.decodeNetlink("sockdiag-dump-both-families.bin"))
        #expect(!expected.isEmpty)
        #expect(run.keys == expected && run.count == expected.count)
    }

    @Test func aRefusedOneWalkDumpIsAskedAgainPerFamily() throws {
        let socket = try CapturedSockDiag()
        socket.refusesBothFamilies = true
        let run = try Self.list(socket)
        #expect(socket.requests == [nil, .ipv4, .ipv6])
        #expect(run.source == .netlink && run.notices.isEmpty, "no fallback to speak of")
        let expected = Self.expected(try Fixture.decodeNetlink("sockdiag-dump.bin"))
        #expect(Set(expected.map(\.local)).contains { $0.hasPrefix("[") }, "IPv6 sockets are there")
        #expect(run.keys == expected && run.count == expected.count)
    }

    @Test func failingDumpsFallBackToProcWithOneNotice() throws {
        let socket = try CapturedSockDiag()
        socket.failsEveryDump = true
        let procNet = try Self.procNetDirectory()
        defer { try? FileManager.default.removeItem(atPath: procNet) }
        let run = try Self.list(socket, procNet: procNet)
        #expect(socket.requests == [nil, .ipv4])
        #expect(run.source == .proc)
        #expect(run.notices.count == 1 && run.notices[0].contains("/proc"), "\(run.notices)")
        let proc = Fixture.parseProc(try Fixture.text("proc-net-tcp.txt"), family: .ipv4).connections
            + Fixture.parseProc(try Fixture.text("proc-net-tcp6.txt"), family: .ipv6).connections
        #expect(run.keys == Self.expected(proc) && run.count == proc.count)
        // The same sockets as netlink saw, read the other way.
        #expect(run.keys == Self.expected(try Fixture.decodeNetlink("sockdiag-dump.bin")))
    }

    @Test func noNetlinkSocketFallsBackToProc() throws {
        let procNet = try Self.procNetDirectory()
        defer { try? FileManager.default.removeItem(atPath: procNet) }
        let run = try Self.list(nil, procNet: procNet)
        #expect(run.source == .proc)
        #expect(run.notices.count == 1 && run.notices[0].hasPrefix("netlink unavailable"), "\(run.notices)")
        #expect(!run.keys.isEmpty)
    }

    @Test func netlinkAskedForByNameDoesNotFallBack() throws {
        let socket = try CapturedSockDiag()
        socket.failsEveryDump = true
        #expect(throws: SourceError.self) { try Self.list(socket, kind: .netlink) }
        #expect(throws: SourceError.self) { try Self.list(nil, kind: .netlink) }
    }
}
