import Testing
@testable import TCPStates

@Suite struct PortRangesTests {
    @Test func parsesPortsRangesAndColonPrefixes() throws {
        let ports = try PortRanges(parsing: "80,443, 8000-8100,:22")
        #expect(ports.ranges == [PortRange(80, 80), PortRange(443, 443), PortRange(8000, 8100), PortRange(22, 22)])
        #expect(ports.contains(8050) && ports.contains(22) && !ports.contains(8101) && !ports.contains(81))
        #expect(try PortRanges(parsing: "0-65535").coversEverything)
        #expect(try !PortRanges(parsing: "1-65535").coversEverything)
    }

    @Test(arguments: [
        ("70000", "out of range"), ("abc", "not a port"), ("90-80", "backwards"), ("", "empty"),
        ("80,", "empty"), ("-5", "not a port"), ("1-2-3", "not a port"), ("+80", "not a port"),
        ("65536", "out of range"), ("99999999999999999999", "not a port"),
    ])
    func rejectsBadPortLists(text: String, reason: String) {
        #expect {
            try PortRanges(parsing: text)
        } throws: { error in
            (error as? FilterError)?.message.contains(reason) == true
        }
    }
}
