import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import TCPStates

@Suite struct KillReportRendererTests {
    /// The captured CLOSE_WAIT sockets, one killed and one refused.
    static func outcomes() throws -> [KillOutcome] {
        let targets = try Fixture.decodeNetlink("sockdiag-kill-dump.bin")
        try #require(targets.count == 2)
        return [KillOutcome(targets[0], .killed), KillOutcome(targets[1], .failed(errno: EOPNOTSUPP))]
    }

    /// The report of a kill asked for as `request` says.
    static func report(_ edit: (inout ListingRequest) -> Void = { _ in }) -> KillReport {
        var request = ListingRequest()
        edit(&request)
        return KillReport(plan: ListingPlan(request), owners: nil)
    }

    @Test func tableHasAResultColumnBeforeTheListingsColumns() throws {
        let text = try ByteWriterTests.output { try Self.report().write(try Self.outcomes(), to: $0) }
        #expect(text == """
            RESULT             STATE       RECV-Q  SEND-Q  LOCAL           REMOTE
            killed             CLOSE_WAIT       1       0  127.0.0.1:7300  127.0.0.1:57494
            failed:EOPNOTSUPP  CLOSE_WAIT       1       0  [::1]:7301      [::1]:47384

            """)
    }

    @Test func everyResultHasItsWord() throws {
        let target = try #require(try Self.outcomes().first).connection
        let words = [DestroyResult.killed, .gone, .failed(errno: EPERM), nil].map { KillOutcome(target, $0).word }
        #expect(words == ["killed", "gone", "failed", "dry-run"])
        #expect(KillOutcome(target, .failed(errno: EPERM)).errorName == "EPERM")
        #expect(KillOutcome(target, .gone).errorName == nil)
    }

    @Test func jsonIsTheListingWithResultAndError() throws {
        let text = try ByteWriterTests.output {
            try Self.report { $0.output = .json }.write(try Self.outcomes(), to: $0)
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["source"] as? String == "netlink")
        let connections = try #require(object["connections"] as? [[String: Any]])
        #expect(connections.count == 2)
        #expect(connections.map { $0["result"] as? String } == ["killed", "failed"])
        #expect(connections[0]["error"] is NSNull)
        #expect(connections[1]["error"] as? String == "EOPNOTSUPP")
        #expect(connections.allSatisfy { $0["state"] as? String == "CLOSE_WAIT" })
        #expect((connections[0]["local"] as? [String: Any])?["port"] as? Int == 7300)
    }

    @Test func emptyReportIsAnEmptyListing() throws {
        let text = try ByteWriterTests.output { try Self.report { $0.output = .json }.write([], to: $0) }
        #expect(text == "{\"source\": \"netlink\", \"connections\": []}\n")
        #expect(try ByteWriterTests.output { try Self.report().write([], to: $0) }.isEmpty, "no table without a row")
    }

    @Test func filteredByOwnersTheReportShowsThem() throws {
        let owned = Self.report { $0.owners = OwnerFilter(pids: [1], commands: []); $0.showsHeader = false }
        let text = try ByteWriterTests.output { try owned.write(try Self.outcomes(), to: $0) }
        #expect(text.hasPrefix("killed "), "no header")
        let headed = try ByteWriterTests.output { try Self.report { $0.owners = OwnerFilter(pids: [1], commands: []) }
            .writeCandidates(try Self.outcomes().map(\.connection), to: $0) }
        #expect(headed.hasPrefix("STATE ") && headed.split(separator: "\n")[0].hasSuffix("PROCESS"), "\(headed)")
    }

    @Test func overSeveralNamespacesEachSocketNamesItsOwn() throws {
        var outcomes = try Self.outcomes()
        var first = outcomes[0].connection, second = outcomes[1].connection
        first.netnsInode = 4026532001
        second.netnsInode = 4026532002
        outcomes = [KillOutcome(first, .killed), KillOutcome(second, .failed(errno: EOPNOTSUPP))]
        let namespaces: [UInt64: NetnsIdentity] = [4026532001: NetnsIdentity(inode: 4026532001, name: "blue"), 4026532002: NetnsIdentity(inode: 4026532002)]
        func report(_ output: ListingOutput) -> KillReport {
            var request = ListingRequest()
            request.namespaces = .all
            request.output = output
            return KillReport(plan: ListingPlan(request), owners: nil, namespaces: namespaces)
        }
        let table = try ByteWriterTests.output { try report(.table).write(outcomes, to: $0) }.split(separator: "\n")
        #expect(table[0].split(separator: " ").last == "NETNS" && table[1].hasSuffix("  blue")
                && table[2].hasSuffix("  net:[4026532002]"), "\(table)")
        let question = try ByteWriterTests.output { try report(.table).writeCandidates(outcomes.map(\.connection), to: $0) }
        #expect(question.split(separator: "\n").map { $0.split(separator: " ").last } == ["NETNS", "blue", "net:[4026532002]"])
        let json = try ByteWriterTests.output { try report(.json).write(outcomes, to: $0) }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let netns = (object["connections"] as? [[String: Any]])?.map { $0["netns"] as? [String: Any] }
        #expect(netns?.map { $0?["inode"] as? Int } == [4026532001, 4026532002])
        #expect(netns?[0]?["name"] as? String == "blue" && netns?[1]?["name"] is NSNull)
    }

    @Test func summaryCountsEachResult() throws {
        let target = try #require(try Self.outcomes().first).connection
        #expect(KillReportRenderer.summary(try Self.outcomes()) == "1 killed, 1 failed of 2 matched")
        #expect(KillReportRenderer.summary([KillOutcome(target, .killed), KillOutcome(target, .gone)])
                == "1 killed, 1 already gone of 2 matched")
    }

    @Test func errnoNamesAreSymbolic() {
        #expect(ErrnoName.of(EOPNOTSUPP) == "EOPNOTSUPP")
        #expect(ErrnoName.of(ENOENT) == "ENOENT")
        #expect(ErrnoName.of(4095) == "errno 4095")
    }
}
