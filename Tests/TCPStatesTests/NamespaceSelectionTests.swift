import Testing
@testable import TCPStates

@Suite struct NamespaceSelectionTests {
    @Test("a path that names no namespace is an error, unless a watch skips it as gone")
    func missingNamesAreSkippedOnlyWhenAsked() throws {
        let selection = NamespaceSelection.named(["/proc/self/ns/net", "/tcpstates-no-such-namespace"])
        #expect(throws: SourceError.self) { try selection.resolve() }
        let present = try selection.resolve(skipsMissing: true)
        #expect(present.map(\.identity.inode) == [try #require(NetworkNamespace.inode(at: "/proc/self/ns/net"))])
        #expect(present.first?.isOwn == true)
    }
}
