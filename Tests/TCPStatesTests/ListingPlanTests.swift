import Testing
@testable import TCPStates

/// What a listing does, worked out from what was asked, without I/O.
@Suite struct ListingPlanTests {
    static func plan(_ change: (inout ListingRequest) -> Void = { _ in }) -> ListingPlan {
        var request = ListingRequest()
        change(&request)
        return ListingPlan(request)
    }

    @Test func theDefaultIsTheStreamedTCPTable() {
        let plan = Self.plan()
        #expect(plan.renderer == .streamingTable)
        #expect(plan.filter.transports == [.tcp] && plan.filter.udpStates == nil)
        #expect(!plan.looksUpOwners && plan.extensions.isEmpty && plan.order == nil && plan.namespace == nil)
        #expect(plan.showsHeader)
    }

    @Test func severalNamespacesAddANetnsColumnAfterTheStandardOnesAndANetnsMember() {
        let table = Self.plan { $0.namespaces = .all; $0.showsTimers = true }
        #expect(table.renderer == .columnTable(ListingColumn.standard + [.netns, .timer]))
        #expect(table.namespaces == .all && table.namespace == nil)
        let json = Self.plan { $0.namespaces = .named(["a", "b"]); $0.output = .json; $0.showsOwners = true }
        #expect(json.renderer == .json([.process, .netns]))
        #expect(Self.plan().renderer == .streamingTable, "one namespace keeps the streamed table")
    }

    @Test func udpAloneHasNoProtocolColumnAndBothHaveIt() {
        #expect(Self.plan { $0.transports = [.udp] }.renderer == .columnTable(ListingColumn.standard))
        let both = Self.plan { $0.transports = [.tcp, .udp] }
        #expect(both.renderer == .columnTable([.transport] + ListingColumn.standard))
        #expect(both.filter.transports == [.tcp, .udp])
    }

    @Test func detailColumnsComeAfterTheStandardOnesInOneOrder() {
        let plan = Self.plan {
            $0.showsInfo = true
            $0.showsOwners = true
            $0.showsTimers = true
        }
        #expect(plan.renderer == .columnTable(ListingColumn.standard + [.timer, .process, .info]))
        #expect(plan.looksUpOwners)
    }

    /// idiag_ext bit n - 1 asks for attribute n: INET_DIAG_INFO is 2 and
    /// INET_DIAG_CONG 4 in linux/inet_diag.h, so --info asks for 0x0A.
    @Test func infoAsksTheKernelForTCPInfoAndCongestion() {
        let plan = Self.plan { $0.showsInfo = true }
        #expect(plan.extensions == [.info, .congestion])
        #expect(plan.extensions.rawValue == 0x0A)
        #expect(Self.plan { $0.showsTimers = true }.extensions.isEmpty, "timers are in every message")
    }

    @Test func anOwnerFilterLooksUpOwnersAndShowsThem() {
        let plan = Self.plan { $0.owners = OwnerFilter(pids: [42]) }
        #expect(plan.looksUpOwners)
        #expect(plan.renderer == .columnTable(ListingColumn.standard + [.process]))
        #expect(plan.ownerFilter.pids == [42])
        let json = Self.plan {
            $0.owners = OwnerFilter(commands: [Array("sshd".utf8)])
            $0.output = .json
        }
        #expect(json.renderer == .json([.process]))
    }

    @Test func jsonCarriesTheMembersAskedFor() {
        #expect(Self.plan { $0.output = .json }.renderer == .json([]))
        let plan = Self.plan {
            $0.output = .json
            $0.showsTimers = true
            $0.showsInfo = true
            $0.transports = [.udp]
        }
        #expect(plan.renderer == .json([.timer, .tcpInfo]))
        #expect(plan.extensions == [.info, .congestion])
    }

    @Test func theOrderIsKeptForListingsAndDroppedForSummaries() {
        #expect(Self.plan { $0.order = .port }.order == .port)
        #expect(Self.plan {
            $0.order = .port
            $0.output = .json
        }.order == .port)
        #expect(Self.plan {
            $0.order = .port
            $0.output = .summary(.table, byPort: false)
        }.order == nil)
    }

    @Test func summariesLookUpOwnersOnlyToFilterOnThem() {
        let plain = Self.plan {
            $0.showsOwners = true
            $0.output = .summary(.json, byPort: false)
        }
        #expect(!plain.looksUpOwners && plain.renderer == .summary(.json, byPort: false))
        let filtered = Self.plan {
            $0.owners = OwnerFilter(pids: [7])
            $0.output = .summary(.table, byPort: true)
        }
        #expect(filtered.looksUpOwners && filtered.renderer == .summary(.table, byPort: true))
    }

    @Test func prometheusIsAlwaysPerPort() {
        #expect(Self.plan { $0.output = .summary(.prometheus, byPort: false) }.renderer == .summary(.prometheus, byPort: true))
    }

    /// UDP has no listeners: `-l` means its UNCONN sockets, as in ss; named
    /// states apply to UDP as they are; no state option lists every UDP socket.
    @Test(arguments: [
        (false, false, [TCPState](), nil as [TCPState]?),
        (false, true, [.listen], [.closed]),
        (true, false, [.established], [.established]),
        (true, true, [.established, .listen], [.established, .listen, .closed]),
    ])
    func udpStatesFollowTheStateOptions(namesStates: Bool, listening: Bool, states: [TCPState], udp: [TCPState]?) {
        let plan = Self.plan {
            $0.transports = [.udp]
            $0.namesStates = namesStates
            $0.listening = listening
            if !states.isEmpty {
                $0.filter.states = StateSet(states)
                $0.filter.includesUnknownStates = false
            }
        }
        #expect(plan.filter.udpStates.map { Set($0.states) } == udp.map(Set.init))
    }

    @Test func procIsSaidToLackTCPInfoOnlyWhenInfoWasAsked() {
        let info = Self.plan { $0.showsInfo = true }
        #expect(info.notice(readingFrom: .proc)?.contains("tcp_info") == true)
        #expect(info.notice(readingFrom: .netlink) == nil)
        #expect(Self.plan().notice(readingFrom: .proc) == nil)
    }
}
