import Foundation
import Testing
@testable import TCPStates

/// A plan carried out from captured netlink replies: every output goes
/// through the same lister and renderer path.
@Suite struct ListingTests {
    static func run(_ change: (inout ListingRequest) -> Void) throws -> (text: String, source: SourceKind, notices: [String]) {
        var request = ListingRequest()
        change(&request)
        var listing = Listing(ListingPlan(request))
        let socket = try CapturedSockDiag()
        listing.openSocket = { socket }
        var notices: [String] = []
        listing.notice = { notices.append($0) }
        var bytes: [UInt8] = []
        let source = try listing.run(to: ByteWriter(threshold: 256) { bytes.append(contentsOf: $0) })
        return (String(decoding: bytes, as: UTF8.self), source, notices)
    }

    /// The sockets a default listing of the capture shows.
    static func expected() throws -> [Connection] {
        try Fixture.decodeNetlink("sockdiag-dump-both-families.bin").filter(ConnectionFilter().matches)
    }

    @Test func theStreamedTableHasARowPerSocket() throws {
        let (text, source, notices) = try Self.run { _ in }
        #expect(source == .netlink && notices.isEmpty)
        let lines = text.split(separator: "\n")
        #expect(lines.first?.hasPrefix("STATE") == true)
        #expect(lines.count == 1 + (try Self.expected()).count)
    }

    @Test func sortedJSONHasEverySocketInOrder() throws {
        let (text, _, _) = try Self.run {
            $0.output = .json
            $0.order = .port
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let connections = try #require(object["connections"] as? [[String: Any]])
        let ports = connections.compactMap { ($0["local"] as? [String: Any])?["port"] as? Int }
        #expect(ports.count == (try Self.expected()).count)
        #expect(ports == ports.sorted())
    }

    @Test func theColumnTableIsSortedAndMeasuredWhole() throws {
        let (text, _, _) = try Self.run {
            $0.showsTimers = true
            $0.order = .state
            $0.showsHeader = false
        }
        let states = text.split(separator: "\n").map { $0.split(separator: " ")[0] }
        #expect(states.count == (try Self.expected()).count)
        let order = TCPState.allCases.map(\.name)
        let ranks = states.map { order.firstIndex(of: String($0)) ?? 99 }
        #expect(ranks == ranks.sorted(), "\(states)")
    }

    @Test func aSummaryCountsWhatTheListingLists() throws {
        let (text, _, _) = try Self.run { $0.output = .summary(.table, byPort: false) }
        let rows = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.last == ["TOTAL", String((try Self.expected()).count)])
        for row in rows.dropFirst().dropLast() {
            #expect(Int(row[1]) == (try Self.expected()).filter { $0.stateText == row[0] }.count, "\(row)")
        }
    }
}
