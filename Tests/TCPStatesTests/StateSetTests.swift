import Testing
@testable import TCPStates

@Suite struct StateSetTests {
    @Test func acceptsDiagramNamesAndPeerSpellingsInAnyCase() throws {
        let cases: [(String, TCPState)] = [
            ("established", .established), ("ESTAB", .established), ("syn-sent", .synSent),
            ("SYN_RECV", .synReceived), ("syn-rcv", .synReceived), ("SYN_RCVD", .synReceived),
            ("fin_wait1", .finWait1), ("FIN-WAIT-2", .finWait2), ("close-wait", .closeWait),
            ("Closing", .closing), ("last-ack", .lastAck), ("time-wait", .timeWait),
            ("CLOSE", .closed), ("unconn", .closed), ("bound-inactive", .closed), ("listen", .listen),
        ]
        for (word, state) in cases {
            #expect(try StateSet(parsing: word).states == [state], "\(word)")
        }
    }

    @Test func groupsFollowSs() throws {
        let connected = try StateSet(parsing: "connected").states
        #expect(!connected.contains(.listen) && !connected.contains(.closed) && connected.count == 9)
        let synchronized = try StateSet(parsing: "synchronized").states
        #expect(synchronized == connected.filter { $0 != .synSent })
        #expect(try StateSet(parsing: "bucket").states == [.synReceived, .timeWait])
        #expect(try StateSet(parsing: "all").states == TCPState.allCases)
        #expect(try StateSet(parsing: "listen,time-wait").states == [.listen, .timeWait])
    }

    @Test func unknownNameListsTheValidOnes() {
        #expect {
            try StateSet(parsing: "ESTABLISHED,FOO")
        } throws: { error in
            let message = (error as? FilterError)?.message ?? ""
            return message.contains("'FOO'") && TCPState.allCases.allSatisfy { message.contains($0.name) }
        }
    }
}
