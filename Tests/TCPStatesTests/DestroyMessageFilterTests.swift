import Testing
@testable import TCPStates

/// The classic BPF program that drops other ports' destroy messages in the
/// kernel, run here on captured destroy messages by a small interpreter of
/// the instructions it uses (the kernel's semantics: BPF_ABS loads are
/// big-endian, a load past the end drops the packet).
@Suite struct DestroyMessageFilterTests {
    /// Each destroy message of the capture as the socket filter sees it: nlmsghdr first.
    static func messages() throws -> [[UInt8]] {
        let stream = try Fixture.bytes("sockdiag-cookie-destroy.bin")
        var messages: [[UInt8]] = []
        var offset = 0
        while offset + 16 <= stream.count {
            let length = Int(stream[offset]) | Int(stream[offset + 1]) << 8 | Int(stream[offset + 2]) << 16
            guard length >= 16, offset + length <= stream.count else { break }
            messages.append(Array(stream[offset..<(offset + length)]))
            offset += (length + 3) & ~3
        }
        return messages
    }

    static func keeps(_ message: [UInt8], _ program: [DestroyMessageFilter.Instruction]) -> Bool {
        var accumulator: UInt32 = 0
        var pc = 0
        while pc < program.count {
            let instruction = program[pc]
            pc += 1
            switch instruction.code {
            case 0x28:  // ldh [k]
                let offset = Int(instruction.k)
                guard offset + 2 <= message.count else { return false }
                accumulator = UInt32(message[offset]) << 8 | UInt32(message[offset + 1])
            case 0x15, 0x25, 0x35:  // jeq, jgt, jge #k
                let taken = instruction.code == 0x15 ? accumulator == instruction.k
                    : instruction.code == 0x25 ? accumulator > instruction.k : accumulator >= instruction.k
                pc += Int(taken ? instruction.jumpIfTrue : instruction.jumpIfFalse)
            case 0x06:  // ret #k
                return instruction.k != 0
            default:
                Issue.record("unexpected instruction \(instruction)")
                return false
            }
        }
        Issue.record("the program ran off its end")
        return false
    }

    /// (local port, remote port) of each captured message, decoded by the library.
    static func ports(_ message: [UInt8]) throws -> (UInt16, UInt16) {
        var found: Connection?
        _ = try message.withUnsafeBytes { try InetDiagDecoder.decode($0) { found = $0 } }
        let connection = try #require(found)
        return (connection.local.port, connection.remote.port)
    }

    @Test(arguments: ["-p 7400", "-p 40101", "-p 1-1000,40100", "--local-port 7400", "--remote-port 7400",
                      "--remote-port 40000-40100", "-p 7400 --local-port 40100", "-p 9"])
    func keepsExactlyTheMessagesTheFilterMatches(arguments: String) throws {
        var filter = ConnectionFilter()
        let words = arguments.split(separator: " ").map(String.init)
        for index in stride(from: 0, to: words.count, by: 2) {
            let ranges = try PortRanges(parsing: words[index + 1])
            switch words[index] {
            case "-p": filter.ports = ranges
            case "--local-port": filter.localPorts = ranges
            default: filter.remotePorts = ranges
            }
        }
        let program = try #require(DestroyMessageFilter.program(for: filter))
        let messages = try Self.messages()
        try #require(messages.count == 4)
        for message in messages {
            let (local, remote) = try Self.ports(message)
            let expected = filter.matches(local: Endpoint(address: IPAddress(ipv4: 0x7F00_0001), port: local),
                                          remote: Endpoint(address: IPAddress(ipv4: 0x7F00_0001), port: remote))
            #expect(Self.keeps(message, program) == expected, "\(arguments): \(local) -> \(remote)")
        }
    }

    @Test func noPortFilterNoProgram() {
        #expect(DestroyMessageFilter.program(for: ConnectionFilter()) == nil)
        var everything = ConnectionFilter()
        everything.ports = PortRanges([PortRange(0, 65535)])
        #expect(DestroyMessageFilter.program(for: everything) == nil)
    }

    @Test func tooManyRangesForAByteJumpRunInUserSpace() {
        var filter = ConnectionFilter()
        filter.ports = PortRanges((1...200).map { PortRange(UInt16($0) * 2, UInt16($0) * 2) })
        #expect(DestroyMessageFilter.program(for: filter) == nil)
    }
}
