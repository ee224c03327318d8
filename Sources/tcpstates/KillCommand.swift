import ArgumentParser
import TCPStates

/// `tcpstates kill FILTERS`: ends the matching TCP sockets through sock_diag
/// SOCK_DESTROY, as `ss -K` does, after showing them and asking.
struct KillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "End the matching TCP sockets, as ss -K does (needs CAP_NET_ADMIN).",
        usage: "tcpstates kill <filters> [--yes] [--dry-run] [--json] [--no-header]",
        discussion: """
            Destroys each matching socket through sock_diag SOCK_DESTROY (kernel CONFIG_INET_DIAG_DESTROY): \
            the peer gets a RST and the application's next call on the socket fails with ECONNABORTED. \
            At least one filter is required: --port, --local-port, --remote-port, --state, --listening, \
            --local, --remote, --addr, --pid or --command (-4, -6 and --netns narrow but do not count). \
            Without --state it matches every state but LISTEN, TIME_WAIT and CLOSED; LISTEN only when \
            --state names it (a group such as all does not). On a terminal it lists the sockets and asks \
            before killing; --yes skips the question, and without a terminal it refuses unless --yes is \
            given (exit 64). The report has a row per socket: killed, gone (it ended first) or \
            failed:ERRNO. Exit 0 when every matched socket is gone, 1 when any failed or when \
            CAP_NET_ADMIN is missing (then nothing is killed).
            """
    )

    @OptionGroup(title: "Filters") var filters: FilterOptions
    /// --pid, --command and --netns; the rest of the group is refused in `validate`.
    @OptionGroup(title: "Owners, namespaces") var details: DetailOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: [.customShort("y"), .long], help: "Kill without asking (for scripts).")
    var yes = false

    @Flag(name: .customLong("dry-run"), help: "List what would be killed and kill nothing.")
    var dryRun = false

    /// The options of a listing that mean nothing here; --pid, --command and --netns do.
    static let foreignOptions: Set<String> = ["--pid", "--command", "--netns"]

    func validate() throws {
        // Its groups share names with the root's, so the root's own cannot be read here: look at the words.
        try TCPStatesCommand.reject(TCPStatesCommand.listingOnlyOptions(in: CommandLine.arguments)
            .filter { !Self.foreignOptions.contains($0) }, in: "kill")
        if filters.all { throw ValidationError("--all does not apply to tcpstates kill: CLOSED sockets cannot be killed") }
        guard hasFilter else {
            throw ValidationError("""
                kill needs a filter (--port, --local-port, --remote-port, --state, --listening, --local, --remote, \
                --addr, --pid or --command): it will not kill every socket
                """)
        }
        _ = try filter()
    }

    /// Whether a filter that picks sockets was given (families and namespaces only narrow).
    private var hasFilter: Bool {
        !filters.port.isEmpty || !filters.localPort.isEmpty || !filters.remotePort.isEmpty || !filters.state.isEmpty
            || filters.listening || !filters.localAddress.isEmpty || !filters.remoteAddress.isEmpty
            || !filters.address.isEmpty || !details.pid.isEmpty || !details.command.isEmpty
    }

    /// The listing's filter with the states kill may end.
    private func filter() throws -> ConnectionFilter {
        var filter = try filters.makeFilter()
        do {
            filter.states = try KillStates.choose(stateLists: filters.state, listening: filters.listening)
        } catch {
            throw ValidationError(error.message)
        }
        filter.includesUnknownStates = false
        return filter
    }

    func run() throws {
        if !dryRun && !yes && !TTY.isTerminal(0) {
            throw ValidationError("refusing to kill without confirmation: stdin is not a terminal; "
                + "add --yes, or --dry-run to see what would be killed")
        }
        // Refused before anything is listed or asked; the kernel's EPERM is the last word (user namespaces).
        if !dryRun, let capabilities = ProcessCapabilities.current(), !capabilities.has(ProcessCapabilities.netAdmin) {
            throw RuntimeError(message: SocketDestroyer.notPermittedMessage)
        }
        var filter = try filter()
        // Enters --netns first: the listing's and the destroyer's netlink sockets both belong to it.
        // With --all-netns (issue 12): list and destroy namespace by namespace, one SocketDestroyer
        // opened inside each, since a netlink socket keeps the namespace it was made in.
        let extras = try ListingDetails(details, filters: filters, filter: &filter)
        var lister = ConnectionLister(filter: filter, kind: .netlink)
        extras.configure(&lister)
        var collector = ConnectionCollector()
        try lister.list(into: &collector)
        let matched = collector.connections
        let columns = extras.columns ?? StandardColumns.columns(showsProtocol: false)

        let writer = ByteWriter { try Terminal.writeStandardOutput($0) }
        func report(_ outcomes: [KillOutcome]) throws {
            if output.json {
                try KillReportRenderer.json(outcomes, extraMembers: extras.jsonMembers, to: writer)
            } else if !outcomes.isEmpty {
                try KillReportRenderer.table(outcomes, columns: columns, showsHeader: !output.noHeader, to: writer)
            }
            try writer.flush()
        }
        if matched.isEmpty {
            try report([])
            Terminal.warning("no socket matched; nothing to kill")
            return
        }
        if dryRun {
            try report(matched.map { KillOutcome($0, nil) })
            Terminal.warning("dry run: \(matched.count) socket\(matched.count == 1 ? "" : "s") would be killed")
            return
        }
        if !yes {
            let question = ByteWriter { try ConfirmationPrompt.write($0) }
            try ColumnTable(columns: columns).render(matched, to: question)
            try question.flush()
            guard try ConfirmationPrompt.ask("Kill \(matched.count == 1 ? "this socket" : "these \(matched.count) sockets")?") else {
                throw RuntimeError(message: "not confirmed; nothing was killed")
            }
        }
        let results = try SocketDestroyer().destroy(matched)
        let outcomes = zip(matched, results).map { KillOutcome($0, $1) }
        try report(outcomes)
        let summary = KillReportRenderer.summary(outcomes)
        if outcomes.contains(where: { $0.result?.isGone == false }) { throw RuntimeError(message: summary) }
        Terminal.warning(summary)
    }
}
