import ArgumentParser
import TCPStates

/// What to list besides TCP and what to show about each socket: UDP,
/// owners, timers, TCP internals.
struct DetailOptions: ParsableArguments {
    @Flag(name: [.customShort("t"), .long], help: "List TCP sockets (the default; with --udp, both).")
    var tcp = false

    @Flag(name: [.customShort("u"), .long], help: "List UDP sockets (UNCONN or ESTABLISHED); with --tcp, both.")
    var udp = false

    @Flag(name: [.customShort("P"), .long], help: "Show the processes holding each socket (pid/command; root sees all).")
    var processes = false

    @Flag(name: [.customShort("o"), .long], help: "Show the armed timer (retransmit, keepalive, time_wait, persist), its time left and retransmissions.")
    var timers = false

    @Flag(name: [.customShort("i"), .long], help: "Show TCP internals: rtt, cwnd, ssthresh, retransmissions, bytes, delivery rate, idle times, congestion control.")
    var info = false

    /// The protocols to list: TCP unless only --udp was given.
    var transports: Set<TransportProtocol> {
        udp ? (tcp ? [.tcp, .udp] : [.udp]) : [.tcp]
    }

    /// The options that add to what each socket shows, by name: a summary shows none of it.
    var shownDetails: [String] {
        [("--processes", processes), ("--timers", timers), ("--info", info)].filter(\.1).map(\.0)
    }

    /// Adds what to list and show to `request`.
    func apply(to request: inout ListingRequest) {
        request.transports = transports
        request.showsOwners = processes
        request.showsTimers = timers
        request.showsInfo = info
    }
}
