import Testing
@testable import TCPStates

/// A model of the kernel's inet_diag_bc_audit and inet_diag_bc_run
/// (net/ipv4/inet_diag.c) for the port ops, to check compiled programs
/// without a kernel; the integration tests check them with one.
enum KernelBytecodeModel {
    struct Op { var code: UInt8; var yes: Int; var no: Int }

    static func op(_ program: [UInt8], _ offset: Int) -> Op {
        Op(code: program[offset], yes: Int(program[offset + 1]),
           no: Int(UInt16(program[offset + 2]) | UInt16(program[offset + 3]) << 8))
    }

    static func validTarget(_ program: [UInt8], _ cc: Int) -> Bool {
        var len = program.count
        var offset = 0
        while len >= 0 {
            if cc > len { return false }
            if cc == len { return true }
            let o = op(program, offset)
            if o.yes < 4 || o.yes & 3 != 0 { return false }
            len -= o.yes
            offset += o.yes
        }
        return false
    }

    static func audit(_ program: [UInt8]) -> Bool {
        var len = program.count
        var offset = 0
        while len > 0 {
            guard len >= 4 else { return false }
            let o = op(program, offset)
            var minimum = 4
            switch o.code {
            case 2, 3, 4, 5, 11, 12:
                guard len >= 8 else { return false }
                minimum = 8
            case 0, 1: break
            default: return false
            }
            if o.code != 0 {
                if o.no < minimum || o.no > len + 4 || o.no & 3 != 0 { return false }
                if o.no < len, !validTarget(program, len - o.no) { return false }
            }
            if o.yes < minimum || o.yes > len + 4 || o.yes & 3 != 0 { return false }
            offset += o.yes
            len -= o.yes
        }
        return len == 0
    }

    static func run(_ program: [UInt8], sport: UInt16, dport: UInt16) -> Bool {
        var len = program.count
        var offset = 0
        while len > 0 {
            let o = op(program, offset)
            var yes = true
            let argument = o.code >= 2 ? UInt16(op(program, offset + 4).no) : 0
            switch o.code {
            case 0: yes = true
            case 1: yes = false
            case 2: yes = sport >= argument
            case 3: yes = sport <= argument
            case 4: yes = dport >= argument
            case 5: yes = dport <= argument
            case 11: yes = sport == argument
            case 12: yes = dport == argument
            default: return false
            }
            let step = yes ? o.yes : o.no
            len -= step
            offset += step
        }
        return len == 0
    }
}

@Suite struct InetDiagBytecodeTests {
    func connection(_ sport: UInt16, _ dport: UInt16) -> Connection {
        Connection(
            kernelState: 1, local: Endpoint(address: .any(.ipv4), port: sport),
            remote: Endpoint(address: .any(.ipv4), port: dport), recvQueue: 0, sendQueue: 0, uid: 0, inode: 0)
    }

    static let filters: [(String?, String?, String?)] = [
        ("8080", nil, nil), ("80,443", nil, nil), ("8000-8100", nil, nil), ("0-1023,8080", nil, nil),
        ("1024-65535", nil, nil), (nil, "22", nil), (nil, nil, "53,5353"), ("80", "1-100", "80-90,7"),
        (nil, "0-99", "65000-65535"), ("1,2,3,4,5,6,7,8,9,10", nil, nil),
    ]

    @Test(arguments: filters)
    func compiledProgramPassesTheAuditAndMatchesExactlyWhatTheFilterMatches(
        filter spec: (String?, String?, String?)
    ) throws {
        var filter = ConnectionFilter()
        filter.ports = try spec.0.map { try PortRanges(parsing: $0) }
        filter.localPorts = try spec.1.map { try PortRanges(parsing: $0) }
        filter.remotePorts = try spec.2.map { try PortRanges(parsing: $0) }
        let program = try #require(InetDiagBytecode.compile(filter))
        #expect(KernelBytecodeModel.audit(program))
        let probes: [UInt16] = [0, 1, 2, 7, 10, 11, 22, 53, 79, 80, 81, 90, 99, 100, 101, 443, 1023, 1024,
                                5353, 7999, 8000, 8050, 8080, 8100, 8101, 64999, 65000, 65535]
        for sport in probes {
            for dport in probes {
                #expect(
                    KernelBytecodeModel.run(program, sport: sport, dport: dport)
                        == filter.matches(connection(sport, dport)),
                    "sport \(sport) dport \(dport)")
            }
        }
    }

    @Test func noPortFilterNeedsNoProgram() throws {
        var filter = ConnectionFilter()
        #expect(InetDiagBytecode.compile(filter) == nil)
        filter.ports = try PortRanges(parsing: "0-65535")
        #expect(InetDiagBytecode.compile(filter) == nil)
    }

    /// `--port 1,2,...,3000` trapped: a jump past 64 KiB was narrowed to 16 bits.
    @Test func aPortListTooLongForAProgramIsFilteredInUserSpace() throws {
        var filter = ConnectionFilter()
        filter.ports = try PortRanges(parsing: (1...3000).map(String.init).joined(separator: ","))
        #expect(InetDiagBytecode.compile(filter) == nil)
        filter.ports = try PortRanges(parsing: (1...2000).map(String.init).joined(separator: ","))
        let program = try #require(InetDiagBytecode.compile(filter))
        #expect(KernelBytecodeModel.audit(program))
    }

    @Test func singlePortIsOneEqualityPerSide() throws {
        var filter = ConnectionFilter()
        filter.localPorts = try PortRanges(parsing: "8080")
        // S_EQ, yes 8, no 12 (past the end: reject), then the port 8080 (0x1F90) in host order.
        #expect(InetDiagBytecode.compile(filter) == [11, 8, 12, 0, 0, 0, 0x90, 0x1F])
    }
}
