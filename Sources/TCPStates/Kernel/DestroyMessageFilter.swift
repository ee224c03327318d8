/// A classic BPF program (SO_ATTACH_FILTER) for a sock_diag destroy socket
/// that keeps only the messages whose ports pass the port filters: the
/// kernel then drops other ports' messages before they take room in the
/// receive buffer. Pure: the socket attaches what this builds.
///
/// A destroy message is one skb holding nlmsghdr (16 bytes) and
/// inet_diag_msg, whose sport and dport (big-endian, as BPF_ABS loads
/// them) are at bytes 20 and 22.
public enum DestroyMessageFilter {
    /// One instruction, laid out as struct sock_filter.
    public struct Instruction: Equatable, Sendable {
        public var code: UInt16
        public var jumpIfTrue: UInt8
        public var jumpIfFalse: UInt8
        public var k: UInt32
    }

    static let sourcePortOffset: UInt32 = 20
    static let destinationPortOffset: UInt32 = 22
    // include/uapi/linux/bpf_common.h
    static let loadHalfAbsolute: UInt16 = 0x28  // BPF_LD | BPF_H | BPF_ABS
    static let jumpEqual: UInt16 = 0x15         // BPF_JMP | BPF_JEQ | BPF_K
    static let jumpGreater: UInt16 = 0x25       // BPF_JMP | BPF_JGT | BPF_K
    static let jumpGreaterOrEqual: UInt16 = 0x35  // BPF_JMP | BPF_JGE | BPF_K
    static let returnConstant: UInt16 = 0x06    // BPF_RET | BPF_K

    /// The program for `filter`'s port filters; nil when it has none, or
    /// so many ranges that a jump would not fit in a byte (then every
    /// message is read and the filter runs in user space).
    public static func program(for filter: ConnectionFilter) -> [Instruction]? {
        var clauses: [([UInt32], PortRanges)] = []
        if let ports = filter.ports, !ports.coversEverything {
            clauses.append(([sourcePortOffset, destinationPortOffset], ports))
        }
        if let ports = filter.localPorts, !ports.coversEverything { clauses.append(([sourcePortOffset], ports)) }
        if let ports = filter.remotePorts, !ports.coversEverything {
            clauses.append(([destinationPortOffset], ports))
        }
        guard !clauses.isEmpty else { return nil }
        var program: [Instruction] = []
        for (offsets, ports) in clauses {
            // Tests jump forward to the clause's end when a port is in range; falling through them all drops.
            var clause: [Instruction] = []
            var jumpsToPass: [Int] = []
            for offset in offsets {
                clause.append(Instruction(code: loadHalfAbsolute, jumpIfTrue: 0, jumpIfFalse: 0, k: offset))
                for range in ports.ranges {
                    if range.lower == range.upper {
                        jumpsToPass.append(clause.count)
                        clause.append(Instruction(code: jumpEqual, jumpIfTrue: 0, jumpIfFalse: 0, k: UInt32(range.lower)))
                    } else {
                        // Below lower: skip the upper test. Above upper: next range. Else pass.
                        clause.append(Instruction(code: jumpGreaterOrEqual, jumpIfTrue: 0, jumpIfFalse: 1, k: UInt32(range.lower)))
                        jumpsToPass.append(clause.count)
                        clause.append(Instruction(code: jumpGreater, jumpIfTrue: 0, jumpIfFalse: 0, k: UInt32(range.upper)))
                    }
                }
            }
            clause.append(Instruction(code: returnConstant, jumpIfTrue: 0, jumpIfFalse: 0, k: 0))
            let end = clause.count
            for index in jumpsToPass {
                guard let distance = UInt8(exactly: end - (index + 1)) else { return nil }
                if clause[index].code == jumpEqual { clause[index].jumpIfTrue = distance } else { clause[index].jumpIfFalse = distance }
            }
            program += clause
        }
        program.append(Instruction(code: returnConstant, jumpIfTrue: 0, jumpIfFalse: 0, k: UInt32.max))
        return program
    }
}
