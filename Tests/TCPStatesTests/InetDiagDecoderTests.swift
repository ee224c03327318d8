import Testing
@testable import TCPStates

/// The decoder reads captured replies at any alignment, and a cut reply
/// yields a prefix of its sockets or an error, never a crash or a made-up socket.
@Suite struct InetDiagDecoderTests {
    /// Decodes `bytes` placed `shift` bytes into a buffer: messages at every alignment.
    static func decode(_ bytes: [UInt8], shift: Int) throws -> (connections: [Connection], progress: InetDiagDecoder.Progress) {
        let shifted = [UInt8](repeating: 0xA5, count: shift) + bytes
        var connections: [Connection] = []
        let progress = try shifted.withUnsafeBytes { raw in
            try InetDiagDecoder.decode(UnsafeRawBufferPointer(rebasing: raw[shift...])) { connections.append($0) }
        }
        return (connections, progress)
    }

    @Test(arguments: ["sockdiag-dump-both-families.bin", "sockdiag-info.bin", "sockdiag-destroy.bin"])
    func decodesTheSameSocketsAtEveryAlignment(_ name: String) throws {
        let bytes = try Fixture.bytes(name)
        let aligned = try Self.decode(bytes, shift: 0)
        #expect(!aligned.connections.isEmpty)
        for shift in 1..<8 {
            let moved = try Self.decode(bytes, shift: shift)
            #expect(moved.connections == aligned.connections, "shifted by \(shift)")
            #expect(moved.progress == aligned.progress)
        }
    }

    @Test func aCutReplyYieldsAPrefixOfItsSockets() throws {
        let bytes = try Fixture.bytes("sockdiag-info.bin")
        let whole = try Self.decode(bytes, shift: 0).connections
        for length in 0..<bytes.count {
            do {
                let cut = try Self.decode(Array(bytes[..<length]), shift: length % 4).connections
                #expect(Array(whole.prefix(cut.count)) == cut, "cut at \(length)")
            } catch let error as InetDiagReplyError {
                guard case .malformed = error else {
                    Issue.record("cut at \(length): \(error)")
                    continue
                }
            }
        }
    }

    /// Found by `make fuzz` (Fuzz/InetDiagReply.swift): NLMSG_ERROR carrying
    /// Int32.min, which negating to an errno overflowed.
    @Test func anErrorCodeThatIsNoErrnoIsMalformed() throws {
        let bytes = try Fixture.bytes("fuzz/inet-diag-error-int32-min.bin")
        #expect(throws: InetDiagReplyError.malformed("netlink error code -2147483648")) {
            try Self.decode(bytes, shift: 0)
        }
    }
}
