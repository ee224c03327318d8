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

/// What lists connections into a sink: one namespace's `ConnectionLister`,
/// or the rows of several namespaces already read (`NamespaceLister.Results`).
public protocol ConnectionSource {
    /// Lists into `sink`; returns the source that was used.
    func list(into sink: inout some ConnectionSink) throws -> SourceKind
}

extension ConnectionLister: ConnectionSource {}

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
    /// idiag_ext of TCP dumps: which attributes (tcp_info, congestion) to ask for.
    public var extensions: InetDiagExtensions = []
    /// Opens the sock_diag socket of each listing: the netlink socket, or
    /// captured replies in tests.
    public var openSocket: () throws(SourceError) -> any SockDiagDumper = { () throws(SourceError) in try NetlinkSocket() }
    /// A last test after `filter`, for what needs more than the socket (its owners).
    public var accepts: ((Connection) -> Bool)?

    public init(filter: ConnectionFilter, kind: SourceKind) {
        self.filter = filter
        self.kind = kind
    }

    /// The idiag_states mask of the TCP dumps: the filter's states, without
    /// the bound-inactive bit unless CLOSED was asked for (asking for it makes
    /// the kernel walk its bind table, which slows every dump).
    public static func stateMask(for filter: ConnectionFilter) -> UInt32 {
        var mask = filter.kernelStateMask
        if !filter.wantsBoundInactive { mask &= ~KernelTCPState.maskBit(KernelTCPState.boundInactive) }
        return mask
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
        let netlink: any SockDiagDumper
        do {
            netlink = try openSocket()
        } catch {
            guard fallBack else { throw error }
            notice("netlink unavailable (\(error.message)); reading /proc/net/tcp instead")
            try listFromProc(into: &sink)
            return false
        }
        let mask = Self.stateMask(for: filter)
        var bytecode = InetDiagBytecode.compile(filter)
        // The sink is begun at the first connection: until then a failure
        // can still fall back to /proc without anything written twice.
        var begun = false
        func deliver(_ connection: Connection) throws {
            guard filter.matches(connection), accepts?(connection) ?? true else { return }
            if !begun {
                try sink.begin(source: .netlink)
                begun = true
            }
            try sink.add(connection)
        }
        func dump(_ transport: TransportProtocol, _ family: AddressFamily?) throws {
            let states = transport == .tcp ? mask : filter.udpKernelStateMask
            let ext = transport == .tcp ? extensions : []
            do {
                try netlink.dump(family: family, stateMask: states, bytecode: bytecode, transport: transport,
                                 extensions: ext, capture: netlinkCapture, deliver)
            } catch let error as SourceError where error.errno == EINVAL && bytecode != nil && !begun {
                // A kernel that rejects the program: filter in user space alone.
                bytecode = nil
                try netlink.dump(family: family, stateMask: states, bytecode: nil, transport: transport,
                                 extensions: ext, capture: netlinkCapture, deliver)
            }
        }
        var requests: [(TransportProtocol, AddressFamily?)] = dumps.map { ($0.0, $0.1) }
        let compiled = bytecode
        if filter.transports.contains(.tcp), filter.familiesToDump.count == 2 {
            // TCP of both families in one walk of the kernel's hash; a kernel
            // that refuses the old request gets one request per family.
            do {
                try dump(.tcp, nil)
                requests.removeAll { $0.0 == .tcp }
            } catch is SourceError where !begun {
                // Nothing was delivered: ask again, one family at a time (and
                // with the program again, in case the old request was what failed).
                bytecode = compiled
            }
        }
        for (transport, family) in requests {
            do {
                try dump(transport, family)
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
        // Every file is opened, and read ahead, before the first is parsed:
        // the kernel formats tcp6 while tcp is being parsed.
        var inputs: [(TransportProtocol, AddressFamily, ReadAheadFile)] = []
        defer { for input in inputs { input.2.close() } }
        for (transport, family) in dumps {
            let path = procNetDirectory + "/" + transport.rawValue + (family == .ipv4 ? "" : "6")
            do {
                inputs.append((transport, family, try ReadAheadFile(path: path)))
            } catch {
                if error.errno == ENOENT && family == .ipv6 { continue }  // a kernel without IPv6 has no tcp6
                throw error
            }
        }
        for (transport, family, input) in inputs {
            try ProcNetFile.read(input, family: family, malformed: { bad in
                notice("skipped malformed line \(bad.line) of \(bad.path) (\(bad.reason))")
            }) { parsed in
                var connection = parsed
                connection.transport = transport
                if filter.matches(connection), accepts?(connection) ?? true { try sink.add(connection) }
            }
        }
    }

    /// Each protocol and family to read, TCP first.
    private var dumps: [(TransportProtocol, AddressFamily)] {
        TransportProtocol.allCases.filter(filter.transports.contains).flatMap { transport in
            filter.familiesToDump.map { (transport, $0) }
        }
    }
}
