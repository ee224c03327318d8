/// One firing of the sock:inet_sock_set_state tracepoint: a socket object
/// moved from one kernel state to another.
public struct SocketStateChange: Equatable, Sendable {
    /// When, in the trace clock (nanoseconds since boot with the `boot` clock).
    public var timestamp: UInt64
    /// The socket object's kernel address: the identity of a socket across its changes.
    public var socket: UInt64
    public var oldState: UInt8
    public var newState: UInt8
    public var local: Endpoint
    public var remote: Endpoint
    /// The task that was current when the state changed (0: the idle task).
    public var pid: Int32
    /// The record's common_flags: irq context bits (kernel/trace/trace.h).
    public var contextFlags: UInt8

    public var family: AddressFamily { local.address.family }

    static let hardirqFlag: UInt8 = 0x08
    static let softirqFlag: UInt8 = 0x10
    static let nmiFlag: UInt8 = 0x40

    /// Whether the change ran in interrupt context (softirq, hardirq, NMI),
    /// where the current task is whoever happened to be interrupted.
    public var ranInInterrupt: Bool {
        contextFlags & (Self.hardirqFlag | Self.softirqFlag | Self.nmiFlag) != 0
    }
}

/// Reads binary sock:inet_sock_set_state records at the offsets of the
/// running kernel's format file: pure.
public struct SocketStateChangeDecoder: Sendable {
    let id: UInt16
    let type, flags, pid, skaddr, oldState, newState, sport, dport, family, proto: TraceEventFormat.Field
    let saddr, daddr, saddr6, daddr6: TraceEventFormat.Field
    /// Where the last of these fields ends: a shorter record is not read.
    let recordLength: Int

    public init(format: TraceEventFormat) throws(TraceError) {
        id = format.id
        type = try format.field("common_type", sizes: [2])
        flags = try format.field("common_flags", sizes: [1])
        pid = try format.field("common_pid", sizes: [4])
        skaddr = try format.field("skaddr", sizes: [8])
        oldState = try format.field("oldstate", sizes: [4])
        newState = try format.field("newstate", sizes: [4])
        sport = try format.field("sport", sizes: [2])
        dport = try format.field("dport", sizes: [2])
        family = try format.field("family", sizes: [2])
        proto = try format.field("protocol", sizes: [2])
        saddr = try format.field("saddr", sizes: [4])
        daddr = try format.field("daddr", sizes: [4])
        saddr6 = try format.field("saddr_v6", sizes: [16])
        daddr6 = try format.field("daddr_v6", sizes: [16])
        recordLength = [type, flags, pid, skaddr, oldState, newState, sport, dport, family, proto,
                        saddr, daddr, saddr6, daddr6].map { $0.offset + $0.size }.max() ?? 0
    }

    /// The change in `record`, or nil for a record of another event, another
    /// protocol than TCP, an unknown family or a short record.
    public func decode(_ record: UnsafeRawBufferPointer, timestamp: UInt64) -> SocketStateChange? {
        guard record.count >= recordLength else { return nil }
        func load<T: FixedWidthInteger>(_ field: TraceEventFormat.Field, as: T.Type) -> T {
            record.loadUnaligned(fromByteOffset: field.offset, as: T.self)
        }
        guard load(type, as: UInt16.self) == id, load(proto, as: UInt16.self) == UInt16(TransportProtocol.tcp.ipProtocol) else { return nil }
        let addressFamily: AddressFamily
        switch load(family, as: UInt16.self) {
        case 2: addressFamily = .ipv4
        case 10: addressFamily = .ipv6
        default: return nil
        }
        func address(_ v4: TraceEventFormat.Field, _ v6: TraceEventFormat.Field) -> IPAddress {
            // The tracepoint stores addresses as network-order bytes.
            if addressFamily == .ipv4 { return IPAddress(ipv4: UInt32(bigEndian: load(v4, as: UInt32.self))) }
            return IPAddress(
                ipv6High: UInt64(bigEndian: record.loadUnaligned(fromByteOffset: v6.offset, as: UInt64.self)),
                low: UInt64(bigEndian: record.loadUnaligned(fromByteOffset: v6.offset + 8, as: UInt64.self)))
        }
        func state(_ field: TraceEventFormat.Field) -> UInt8 {
            UInt8(clamping: load(field, as: Int32.self))
        }
        return SocketStateChange(
            timestamp: timestamp,
            socket: load(skaddr, as: UInt64.self),
            oldState: state(oldState),
            newState: state(newState),
            local: Endpoint(address: address(saddr, saddr6), port: load(sport, as: UInt16.self)),
            remote: Endpoint(address: address(daddr, daddr6), port: load(dport, as: UInt16.self)),
            pid: load(pid, as: Int32.self),
            contextFlags: load(flags, as: UInt8.self))
    }
}
