import ArgumentParser
import TCPStates

/// What to list besides TCP and what to show about each socket: UDP,
/// owners, timers, TCP internals, another network namespace.
struct DetailOptions: ParsableArguments {
    @Flag(name: [.customShort("t"), .long], help: "List TCP sockets (the default; with --udp, both).")
    var tcp = false

    @Flag(name: [.customShort("u"), .long], help: "List UDP sockets (UNCONN or ESTABLISHED); with --tcp, both.")
    var udp = false

    /// Whether the table needs more than the standard TCP columns.
    var needsColumnTable: Bool { udp }

    /// The protocols to list: TCP unless only --udp was given.
    var transports: Set<TransportProtocol> {
        udp ? (tcp ? [.tcp, .udp] : [.udp]) : [.tcp]
    }

    /// Adds what these options select to `filter`: protocols, and the states
    /// UDP sockets must be in when states were chosen (`-l` means UNCONN, as in ss).
    func apply(to filter: inout ConnectionFilter, _ filters: FilterOptions) {
        filter.transports = transports
        if !filters.state.isEmpty || filters.listening {
            var states = filters.state.isEmpty ? StateSet([]) : filter.states
            if filters.listening { states.insert(.closed) }
            filter.udpStates = states
        }
    }
}
