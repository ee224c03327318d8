import Testing
@testable import TCPStates

@Suite struct AddressPrefixTests {
    @Test func matchesIPv4NetworksIncludingV4MappedAddresses() throws {
        let net = try AddressPrefix(parsing: "127.0.0.0/8")
        #expect(net.contains(ip("127.1.2.3")))
        #expect(!net.contains(ip("128.0.0.1")))
        #expect(net.contains(ip("::ffff:127.0.0.1")))
        #expect(!net.contains(ip("::1")))
        let host = try AddressPrefix(parsing: "10.1.2.3")
        #expect(host.length == 32 && host.contains(ip("10.1.2.3")))
        #expect(!host.contains(ip("10.1.2.4")))
        #expect(try AddressPrefix(parsing: "0.0.0.0/0").contains(ip("8.8.8.8")))
    }

    @Test func matchesIPv6NetworksAcrossTheWordBoundary() throws {
        let net = try AddressPrefix(parsing: "[2001:db8::]/33")
        #expect(net.contains(ip("2001:db8:7fff::1")))
        #expect(!net.contains(ip("2001:db8:8000::1")))
        let deep = try AddressPrefix(parsing: "fe80::1:0/112")
        #expect(deep.contains(ip("fe80::1:ffff")))
        #expect(!deep.contains(ip("fe80::2:0")))
        #expect(try AddressPrefix(parsing: "::1").contains(ip("::1")))
        #expect(try !AddressPrefix(parsing: "::1").contains(ip("127.0.0.1")))
    }

    @Test(arguments: ["10.0.0.0/33", "::/129", "10.0.0.1/", "10.0.0/8", "host", "10.0.0.1/x", "1.2.3.4/-1", ""])
    func rejectsBadAddresses(text: String) {
        #expect(throws: FilterError.self) { try AddressPrefix(parsing: text) }
    }
}
