import ArgumentParser
import TCPStates

/// The filters on the sockets themselves: ports, states, addresses and
/// families. trace takes these; a listing adds owners and a namespace
/// (`ListingFilterOptions`).
struct FilterOptions: ParsableArguments {
    @Option(name: [.customShort("p"), .long], parsing: .unconditionalSingleValue, help: ArgumentHelp(
        "Sockets with a local or remote port in LIST: 8080, 80,443, 8000-8100.", valueName: "list"))
    var port: [String] = []

    @Option(name: [.customLong("local-port"), .customLong("sport")], parsing: .unconditionalSingleValue, help: ArgumentHelp(
        "Sockets whose local port is in LIST.", valueName: "list"))
    var localPort: [String] = []

    @Option(name: [.customLong("remote-port"), .customLong("dport")], parsing: .unconditionalSingleValue, help: ArgumentHelp(
        "Sockets whose remote port is in LIST.", valueName: "list"))
    var remotePort: [String] = []

    @Option(name: [.customShort("s"), .long], help: ArgumentHelp(
        "Sockets in these states: diagram names (LISTEN, SYN_SENT, SYN_RCVD, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED), ss or netstat spellings, or the groups all, connected, synchronized, bucket, big.",
        valueName: "list"),
        completion: .list(TCPState.allCases.map(\.name) + ["all", "connected", "synchronized", "bucket", "big"]))
    var state: [String] = []

    @Flag(name: [.customShort("l"), .long], help: "Listening sockets only (--state LISTEN).")
    var listening = false

    @Flag(name: [.customShort("a"), .long], help: "Also CLOSED sockets: bound, never listening or connected (a listing's and a watch's; kill refuses it).")
    var all = false

    @Flag(name: .customShort("4"), help: "IPv4 sockets only.")
    var ipv4 = false

    @Flag(name: .customShort("6"), help: "IPv6 sockets only.")
    var ipv6 = false

    @Option(name: .customLong("local"), help: ArgumentHelp(
        "Sockets whose local address is ADDR or in ADDR/PREFIX (comma-separated list).", valueName: "addr"))
    var localAddress: [String] = []

    @Option(name: .customLong("remote"), help: ArgumentHelp(
        "Sockets whose remote address is ADDR or in ADDR/PREFIX (comma-separated list).", valueName: "addr"))
    var remoteAddress: [String] = []

    @Option(name: .customLong("addr"), help: ArgumentHelp(
        "Sockets with ADDR or ADDR/PREFIX on either side (comma-separated list).", valueName: "addr"))
    var address: [String] = []

    /// The filter these options describe; a bad value is a usage error.
    func makeFilter() throws -> ConnectionFilter {
        var filter = ConnectionFilter()
        do {
            filter.ports = try ports(port)
            filter.localPorts = try ports(localPort)
            filter.remotePorts = try ports(remotePort)
            if !state.isEmpty || listening {
                var states = StateSet([])
                for list in state { states.formUnion(try StateSet(parsing: list)) }
                if listening { states.insert(.listen) }
                filter.states = states
                filter.includesUnknownStates = false
            } else if all {
                filter.states = .all
            }
            filter.localAddresses = try prefixes(localAddress, option: "--local", portOption: "--local-port")
            filter.remoteAddresses = try prefixes(remoteAddress, option: "--remote", portOption: "--remote-port")
            filter.addresses = try prefixes(address, option: "--addr", portOption: "--port")
        } catch let error as FilterError {
            throw ValidationError(error.message)
        }
        if ipv4 != ipv6 { filter.families = ipv4 ? [.ipv4] : [.ipv6] }
        return filter
    }

    private func ports(_ lists: [String]) throws -> PortRanges? {
        guard !lists.isEmpty else { return nil }
        var ranges = PortRanges([])
        for list in lists { ranges.formUnion(try PortRanges(parsing: list)) }
        return ranges
    }

    private func prefixes(_ lists: [String], option: String, portOption: String) throws -> [AddressPrefix] {
        try lists.flatMap { list in
            try list.split(separator: ",", omittingEmptySubsequences: false).map { item in
                do {
                    return try AddressPrefix(parsing: String(item))
                } catch {
                    guard let port = Self.port(in: item) else { throw error }
                    throw FilterError("\(option) takes an address, not a port: for '\(OutsideText.escaped(String(item)))' say \(option) \(OutsideText.escaped(String(item.dropLast(port.count + 1)))) \(portOption) \(port)")
                }
            }
        }
    }

    /// The port of `ADDR:PORT` or `[ADDR]:PORT`, as written.
    private static func port(in item: Substring) -> Substring? {
        guard let colon = item.lastIndex(of: ":") else { return nil }
        let port = item[item.index(after: colon)...]
        let address = item[..<colon]
        guard !port.isEmpty, port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber) else { return nil }
        // An IPv6 address has colons of its own: only the bracketed form carries a port.
        if address.contains(":") { return address.hasPrefix("[") && address.hasSuffix("]") ? port : nil }
        return address.contains(".") ? port : nil
    }
}
