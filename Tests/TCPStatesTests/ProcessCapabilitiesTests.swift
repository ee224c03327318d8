import Testing
@testable import TCPStates

@Suite struct ProcessCapabilitiesTests {
    @Test func rootHoldsNetAdminAndNobodyDoesNot() throws {
        let root = try #require(ProcessCapabilities(status: try Fixture.text("proc-self-status-root.txt")))
        #expect(root.effective == 0x1ff_feff_ffff)
        #expect(root.has(ProcessCapabilities.netAdmin))
        let nobody = try #require(ProcessCapabilities(status: try Fixture.text("proc-self-status-nobody.txt")))
        #expect(nobody.effective == 0)
        #expect(!nobody.has(ProcessCapabilities.netAdmin))
    }

    @Test func statusWithoutCapEffSaysNothing() {
        #expect(ProcessCapabilities(status: "Name:\tcat\nCapPrm:\t0000000000000000\n") == nil)
        #expect(ProcessCapabilities(status: "CapEff:\tnot-hex\n") == nil)
    }

    @Test func thisProcessCanBeRead() {
        #expect(ProcessCapabilities.current() != nil)
    }
}
