import Testing
@testable import TCPStates

@Suite struct SocketOwnerTests {
    @Test func ownerFilterNeedsOneOwnerMatchingEveryList() {
        let owners = [SocketOwner(pid: 10, command: Array("nginx".utf8), uid: 0, user: "root"),
                      SocketOwner(pid: 11, command: Array("a-very-long-process-name".utf8.prefix(15)), uid: 33, user: nil)]
        #expect(OwnerFilter(pids: [10]).matches(owners))
        #expect(!OwnerFilter(pids: [12]).matches(owners))
        #expect(OwnerFilter(commands: [Array("a-very-long-process-name".utf8)]).matches(owners), "compared as the kernel truncates")
        #expect(!OwnerFilter(pids: [10], commands: [Array("a-very-long-process-name".utf8)]).matches(owners))
        #expect(OwnerFilter(pids: [11], commands: [Array("a-very-long-process-name".utf8)]).matches(owners))
        #expect(!OwnerFilter(pids: [10]).matches([]))
    }
}
