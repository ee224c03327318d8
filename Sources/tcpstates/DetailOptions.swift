import ArgumentParser
import TCPStates

/// What to list besides TCP and what to show about each socket: UDP,
/// owners, timers, TCP internals, another network namespace.
struct DetailOptions: ParsableArguments {
    @Flag(name: [.customShort("t"), .long], help: "List TCP sockets (the default; with --udp, both).")
    var tcp = false

    @Flag(name: [.customShort("u"), .long], help: "List UDP sockets (UNCONN or ESTABLISHED); with --tcp, both.")
    var udp = false

    @Flag(name: [.customShort("P"), .long], help: "Show the processes holding each socket (pid/command; root sees all).")
    var processes = false

    @Option(name: .long, help: ArgumentHelp("Sockets held by process PID (repeatable; implies --processes).", valueName: "pid"))
    var pid: [Int32] = []

    @Option(name: .long, help: ArgumentHelp("Sockets held by a process named NAME (repeatable; implies --processes).", valueName: "name"))
    var command: [String] = []

    @Flag(name: [.customShort("o"), .long], help: "Show the armed timer (retransmit, keepalive, time_wait, persist), its time left and retransmissions.")
    var timers = false

    @Flag(name: [.customShort("i"), .long], help: "Show TCP internals: rtt, cwnd, ssthresh, retransmissions, bytes, delivery rate, idle times, congestion control.")
    var info = false

    @Option(name: .long, help: ArgumentHelp(
        "List the sockets of network namespace NAME (under /run/netns) or PATH (/proc/PID/ns/net), or of each of a comma-separated list; needs root.",
        valueName: "name|path"))
    var netns: String?

    @Flag(name: .customLong("all-netns"), help: "List the sockets of every network namespace (named, held by processes, this one), with a NETNS column; unprivileged, this one only.")
    var allNetns = false

    /// The namespaces of a listing that covers several (a NETNS column
    /// names each row's), or nil for one namespace.
    var namespaceSelection: NamespaceSelection? {
        if allNetns { return .all }
        guard let netns, netns.contains(",") else { return nil }
        return .named(netns.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
    }

    /// Whether owners are looked up.
    var wantsOwners: Bool { processes || !pid.isEmpty || !command.isEmpty }

    /// Whether the table needs more than the standard TCP columns.
    var needsColumnTable: Bool { udp || wantsOwners || timers || info }

    func validate() throws {
        if let bad = pid.first(where: { $0 <= 0 }) { throw ValidationError("--pid wants a process id above 0, got \(bad)") }
        if command.contains(where: \.isEmpty) { throw ValidationError("--command wants a process name") }
        if netns == "" { throw ValidationError("--netns wants a namespace name or path") }
        if let netns, netns.split(separator: ",", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            throw ValidationError("--netns wants names or paths separated by single commas, got '\(netns)'")
        }
        if allNetns, netns != nil { throw ValidationError("--all-netns lists every namespace; leave out --netns") }
    }

    /// The `--pid` and `--command` filter.
    var ownerFilter: OwnerFilter {
        OwnerFilter(pids: Set(pid), commands: command.map { Array($0.utf8) })
    }

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
