#if canImport(Glibc)
import Glibc
#endif

/// Where connections come from.
public enum SourceKind: String, CaseIterable, Sendable {
    /// netlink, and /proc when netlink cannot be used.
    case auto
    case netlink
    case proc
}

/// Receives the listing: `begin` once the source is settled, before any connection.
public protocol ConnectionSink {
    mutating func begin(source: SourceKind) throws
    mutating func add(_ connection: Connection) throws
}

/// Lists the connections that pass a filter from the chosen source, falling
/// back from netlink to /proc when netlink cannot be used.
public struct ConnectionLister {
    public var filter: ConnectionFilter
    public var kind: SourceKind
    /// The directory holding `tcp` and `tcp6`.
    public var procNetDirectory = "/proc/net"
    /// Receives every raw netlink reply buffer, to capture test fixtures.
    public var netlinkCapture: ((UnsafeRawBufferPointer) -> Void)?
    /// Told, one line each, about a fallback and skipped /proc lines.
    public var notice: (String) -> Void = { _ in }

    public init(filter: ConnectionFilter, kind: SourceKind) {
        self.filter = filter
        self.kind = kind
    }

    /// Lists into `sink`; returns the source that was used.
    @discardableResult
    public func list(into sink: inout some ConnectionSink) throws -> SourceKind {
        switch kind {
        case .proc:
            try listFromProc(into: &sink)
            return .proc
        case .netlink:
            try listFromNetlink(into: &sink, fallBack: false)
            return .netlink
        case .auto:
            return try listFromNetlink(into: &sink, fallBack: true) ? .netlink : .proc
        }
    }

    /// Returns false when it fell back to /proc.
    @discardableResult
    private func listFromNetlink(into sink: inout some ConnectionSink, fallBack: Bool) throws -> Bool {
        let netlink: NetlinkSocket
        do {
            netlink = try NetlinkSocket()
        } catch {
            guard fallBack else { throw error }
            notice("netlink unavailable (\(error.message)); reading /proc/net/tcp instead")
            try listFromProc(into: &sink)
            return false
        }
        var mask = filter.kernelStateMask
        if !filter.wantsBoundInactive { mask &= ~(1 << 13) }
        var bytecode = InetDiagBytecode.compile(filter)
        // The sink is begun at the first connection: until then a failure
        // can still fall back to /proc without anything written twice.
        var begun = false
        func deliver(_ connection: Connection) throws {
            guard filter.matches(connection) else { return }
            if !begun {
                try sink.begin(source: .netlink)
                begun = true
            }
            try sink.add(connection)
        }
        func dump(_ family: AddressFamily?) throws {
            do {
                try netlink.dump(family: family, stateMask: mask, bytecode: bytecode, capture: netlinkCapture, deliver)
            } catch let error as SourceError where error.errno == EINVAL && bytecode != nil && !begun {
                // A kernel that rejects the program: filter in user space alone.
                bytecode = nil
                try netlink.dump(family: family, stateMask: mask, bytecode: nil, capture: netlinkCapture, deliver)
            }
        }
        var families = filter.familiesToDump
        let compiled = bytecode
        if families.count == 2 {
            // Both families in one walk of the kernel's hash; a kernel that
            // refuses the old request gets one request per family.
            do {
                try dump(nil)
                families = []
            } catch is SourceError where !begun {
                // Nothing was delivered: ask again, one family at a time (and
                // with the program again, in case the old request was what failed).
                bytecode = compiled
            }
        }
        for family in families {
            do {
                try dump(family)
            } catch let error as SourceError where fallBack && !begun {
                notice("netlink sock_diag failed (\(error.message)); reading /proc/net/tcp instead")
                try listFromProc(into: &sink)
                return false
            }
        }
        if !begun { try sink.begin(source: .netlink) }
        return true
    }

    private func listFromProc(into sink: inout some ConnectionSink) throws {
        try sink.begin(source: .proc)
        // Both files are opened, and read ahead, before the first is parsed:
        // the kernel formats tcp6 while tcp is being parsed.
        var inputs: [(AddressFamily, ReadAheadFile)] = []
        defer { for (_, input) in inputs { input.close() } }
        for family in filter.familiesToDump {
            let path = procNetDirectory + (family == .ipv4 ? "/tcp" : "/tcp6")
            let input: ReadAheadFile
            do {
                input = try ReadAheadFile(path: path)
            } catch {
                if error.errno == ENOENT && family == .ipv6 { continue }  // a kernel without IPv6 has no tcp6
                throw error
            }
            inputs.append((family, input))
        }
        for (family, input) in inputs {
            try ProcNetFile.read(input, family: family, malformed: { bad in
                notice("skipped malformed line \(bad.line) of \(bad.path) (\(bad.reason))")
            }) { connection in
                if filter.matches(connection) { try sink.add(connection) }
            }
        }
    }
}
