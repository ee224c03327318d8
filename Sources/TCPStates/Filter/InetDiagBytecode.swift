/// Compiles the port filters into an inet_diag bytecode program
/// (INET_DIAG_REQ_BYTECODE), so the kernel drops what does not match before
/// it copies anything out.
///
/// The kernel runs the program over each socket: an op compares, then jumps
/// `yes` or `no` bytes ahead; a socket is accepted when execution ends exactly
/// at the end of the program. Its validator (inet_diag_bc_audit) requires
/// every `no` target to lie on the chain of `yes` jumps, so each op's `yes`
/// is the next op and a match jumps ahead with a JMP op. A clause (one port
/// list, OR within it) that does not match jumps 4 bytes past the end: reject.
public enum InetDiagBytecode {
    // include/uapi/linux/inet_diag.h
    static let jump: UInt8 = 1
    static let sourceAtLeast: UInt8 = 2
    static let sourceAtMost: UInt8 = 3
    static let destinationAtLeast: UInt8 = 4
    static let destinationAtMost: UInt8 = 5
    static let sourceEquals: UInt8 = 11
    static let destinationEquals: UInt8 = 12

    enum Side { case source, destination }

    struct Atom {
        var side: Side
        var range: PortRange
    }

    private enum Target { case atom(Int), clauseEnd, reject }

    private struct Op {
        var code: UInt8
        var port: UInt16?
        var no: Target
        var size: Int { port == nil ? 4 : 8 }
    }

    /// The program for the port filters of `filter`, or nil when it has none.
    public static func compile(_ filter: ConnectionFilter) -> [UInt8]? {
        var clauses: [[Atom]] = []
        func add(_ ports: PortRanges?, _ sides: [Side]) {
            guard let ports, !ports.coversEverything else { return }
            clauses.append(sides.flatMap { side in ports.ranges.map { Atom(side: side, range: $0) } })
        }
        add(filter.ports, [.source, .destination])
        add(filter.localPorts, [.source])
        add(filter.remotePorts, [.destination])
        guard !clauses.isEmpty else { return nil }
        return assemble(clauses)
    }

    /// nla_len and an op's `no` are 16 bits: a longer program cannot be
    /// written; its filter runs in user space only.
    static let maxProgramLength = 60_000

    /// Lays out AND-ed clauses of OR-ed atoms as ops and resolves their
    /// jumps; nil when the program would be longer than `maxProgramLength`.
    static func assemble(_ clauses: [[Atom]]) -> [UInt8]? {
        var ops: [Op] = []
        var atomStart: [Int] = []       // op index where atom i begins
        var clauseEndOp: [Int] = []     // op index just past each clause
        for atoms in clauses {
            for (i, atom) in atoms.enumerated() {
                let isLast = i == atoms.count - 1
                let fail: Target = isLast ? .reject : .atom(atomStart.count + 1)
                atomStart.append(ops.count)
                let (eq, ge, le) = atom.side == .source
                    ? (sourceEquals, sourceAtLeast, sourceAtMost)
                    : (destinationEquals, destinationAtLeast, destinationAtMost)
                if atom.range.lower == atom.range.upper {
                    ops.append(Op(code: eq, port: atom.range.lower, no: fail))
                } else {
                    if atom.range.lower > 0 { ops.append(Op(code: ge, port: atom.range.lower, no: fail)) }
                    if atom.range.upper < 65535 { ops.append(Op(code: le, port: atom.range.upper, no: fail)) }
                }
                if !isLast { ops.append(Op(code: jump, port: nil, no: .clauseEnd)) }
            }
            clauseEndOp.append(ops.count)
        }
        // Byte offsets of each op, and of the end.
        var offset = [Int](repeating: 0, count: ops.count + 1)
        for (i, op) in ops.enumerated() { offset[i + 1] = offset[i] + op.size }
        let total = offset[ops.count]
        // Checked before any jump is narrowed to 16 bits.
        guard total <= maxProgramLength else { return nil }
        // Which clause each op belongs to, for `.clauseEnd`.
        var opClause = [Int](repeating: 0, count: ops.count)
        var clause = 0
        for i in ops.indices {
            while i >= clauseEndOp[clause] { clause += 1 }
            opClause[i] = clause
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        for (i, op) in ops.enumerated() {
            let target: Int
            switch op.no {
            case .atom(let atom): target = offset[atomStart[atom]]
            case .clauseEnd: target = offset[clauseEndOp[opClause[i]]]
            case .reject: target = total + 4
            }
            appendOp(&bytes, code: op.code, yes: UInt8(op.size), no: UInt16(target - offset[i]))
            if let port = op.port { appendOp(&bytes, code: 0, yes: 0, no: port) }
        }
        return bytes
    }

    /// struct inet_diag_bc_op { u8 code; u8 yes; u16 no; } in host order.
    private static func appendOp(_ bytes: inout [UInt8], code: UInt8, yes: UInt8, no: UInt16) {
        bytes.append(code)
        bytes.append(yes)
        withUnsafeBytes(of: no) { bytes.append(contentsOf: $0) }
    }
}
