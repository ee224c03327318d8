import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import TCPStates

/// SOCK_DESTROY requests against what `ss -K` sent for the same sockets, and
/// the kernel's answers, all captured together (Fixtures/README.md).
@Suite struct InetDiagDestroyRequestTests {
    /// Splits back-to-back netlink messages at their nlmsg_len.
    static func messages(_ name: String) throws -> [[UInt8]] {
        let bytes = try Fixture.bytes(name)
        var messages: [[UInt8]] = []
        var offset = 0
        while offset + 16 <= bytes.count {
            let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16
            messages.append(Array(bytes[offset..<offset + length]))
            offset += (length + 3) & ~3
        }
        return messages
    }

    /// The CLOSE_WAIT sockets the dump reported, as tcpstates decodes them.
    static func targets() throws -> [Connection] {
        try Fixture.decodeNetlink("sockdiag-kill-dump.bin")
    }

    @Test func dumpCarriesEachSocketsCookieAndInterface() throws {
        let targets = try Self.targets()
        #expect(targets.map(\.state) == [.closeWait, .closeWait])
        // ss printed the idiag_cookie of each as [3114, 0] and [3117, 0].
        #expect(Set(targets.map(\.cookie)) == [3114, 3117])
        #expect(targets.allSatisfy { $0.boundInterface == 0 })
        // The same sockets ss listed as CLOSE-WAIT just before.
        let ss = try CapturedSourcesTests.ssKeys("ss-K-before.txt").filter { $0.state == "CLOSE_WAIT" }
        #expect(Set(targets.map(SocketKey.init)) == ss)
    }

    @Test func requestIsByteForByteWhatSsSent() throws {
        let sent = try Self.messages("ss-K-destroy-requests.bin")
        #expect(sent.count == 2)
        let targets = try Self.targets()
        for request in sent {
            // ss counts its own sequence numbers; the test hands ours the same.
            let sequence = UInt32(request[8]) | UInt32(request[9]) << 8 | UInt32(request[10]) << 16 | UInt32(request[11]) << 24
            let family = request[16]
            let target = try #require(targets.first { $0.family.rawValue == family })
            #expect(InetDiagRequest.destroy(target, sequence: sequence) == request, "\(target.family.name)")
        }
    }

    @Test func requestNamesTheSocketsCookieSoANewSocketOnTheSameEndpointsIsSpared() throws {
        var target = try #require(try Self.targets().first)
        let original = InetDiagRequest.destroy(target, sequence: 1)
        target.cookie += 1
        let other = InetDiagRequest.destroy(target, sequence: 1)
        #expect(original.count == 72 && other.count == 72)
        #expect(Array(original[..<64]) == Array(other[..<64]), "everything but the cookie is the same")
        #expect(original[64...] != other[64...])
    }

    @Test func acknowledgementsSayKilled() throws {
        let acks = try Self.messages("ss-K-destroy-acks.bin")
        #expect(acks.count == 2)
        for ack in acks {
            #expect(try ack.withUnsafeBytes { try DestroyResult(acknowledgement: $0) } == .killed)
        }
    }

    @Test func unprivilegedAnswerIsEPERM() throws {
        let reply = try Fixture.bytes("ss-K-destroy-eperm.bin")
        #expect(try reply.withUnsafeBytes { try DestroyResult(acknowledgement: $0) } == .failed(errno: EPERM))
    }

    @Test func socketThatEndedFirstIsGone() throws {
        let reply = try Fixture.bytes("tcpstates-destroy-enoent.bin")
        let result = try reply.withUnsafeBytes { try DestroyResult(acknowledgement: $0) }
        #expect(result == .gone)
        #expect(result.isGone)
        #expect(!DestroyResult.failed(errno: EOPNOTSUPP).isGone)
    }

    @Test func replyWithoutAcknowledgementIsMalformed() throws {
        // A dump's reply is no answer to SOCK_DESTROY.
        let dump = try Fixture.bytes("sockdiag-kill-dump.bin")
        #expect(throws: InetDiagReplyError.self) { try dump.withUnsafeBytes { try DestroyResult(acknowledgement: $0) } }
        let truncated = Array(try Fixture.bytes("ss-K-destroy-acks.bin")[..<10])
        #expect(throws: InetDiagReplyError.self) { try truncated.withUnsafeBytes { try DestroyResult(acknowledgement: $0) } }
    }
}
