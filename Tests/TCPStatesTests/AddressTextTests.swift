import Testing
@testable import TCPStates

@Suite struct AddressTextTests {
    @Test func addressesPrintAsInetNtopDoes() throws {
        for text in ["0.0.0.0", "127.0.0.1", "255.255.255.255", "::", "::1", "::ffff:127.0.0.1", "fe80::1:2", "2001:db8::8:800:200c:417a"] {
            #expect(ip(text).description == text)
        }
        #expect(SocketKey.text(Endpoint(address: ip("::1"), port: 7000)) == "[::1]:7000")
    }
}
