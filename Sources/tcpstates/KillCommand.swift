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

    /// The listing's filters, owners and namespace. With --all-netns (issue 12) in this group, kill
    /// lists and destroys namespace by namespace: one SocketDestroyer opened inside each, since a
    /// netlink socket keeps the namespace it was made in.
    @OptionGroup(title: "Filters") var filters: ListingFilterOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: [.customShort("y"), .long], help: "Kill without asking (for scripts).")
    var yes = false

    @Flag(name: .customLong("dry-run"), help: "List what would be killed and kill nothing.")
    var dryRun = false

    func validate() throws {
        let sockets = filters.sockets
        if sockets.all { throw ValidationError("--all does not apply to tcpstates kill: CLOSED sockets cannot be killed") }
        if filters.allNetns || filters.netns?.contains(",") == true {
            throw ValidationError("tcpstates kill acts in one network namespace at a time: give --netns NAME alone")
        }
        let picks = !sockets.port.isEmpty || !sockets.localPort.isEmpty || !sockets.remotePort.isEmpty
            || !sockets.state.isEmpty || sockets.listening || !sockets.localAddress.isEmpty
            || !sockets.remoteAddress.isEmpty || !sockets.address.isEmpty || !filters.ownerFilter.isEmpty
        guard picks else {
            throw ValidationError("""
                kill needs a filter (--port, --local-port, --remote-port, --state, --listening, --local, --remote, \
                --addr, --pid or --command): it will not kill every socket
                """)
        }
        _ = try request()
    }

    /// The listing's request, with the states kill may end.
    private func request() throws -> ListingRequest {
        var request = try filters.request()
        do {
            request.filter.states = try KillStates.choose(stateLists: filters.sockets.state,
                                                          listening: filters.sockets.listening)
        } catch {
            throw ValidationError(error.message)
        }
        request.filter.includesUnknownStates = false
        request.output = output.json ? .json : .table
        request.showsHeader = !output.noHeader
        return request
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
        let plan = ListingPlan(try request())
        var listing = Listing(plan)
        listing.source = .netlink
        listing.notice = { Terminal.error($0) }
        // Enters --netns first: the destroyer's netlink socket, opened after, belongs to it too.
        let (matched, owners) = try listing.collect()
        let report = KillReport(plan: plan, owners: owners)

        let writer = ByteWriter { try Terminal.writeStandardOutput($0) }
        if matched.isEmpty {
            try report.write([], to: writer)
            Terminal.error("no socket matched; nothing to kill")
            return
        }
        if dryRun {
            try report.write(matched.map { KillOutcome($0, nil) }, to: writer)
            Terminal.error("dry run: \(matched.count) socket\(matched.count == 1 ? "" : "s") would be killed")
            return
        }
        if !yes {
            let question = ByteWriter { try Terminal.writeStandardError($0) }
            try report.writeCandidates(matched, to: question)
            guard try ConfirmationPrompt.ask("Kill \(matched.count == 1 ? "this socket" : "these \(matched.count) sockets")?") else {
                throw RuntimeError(message: "not confirmed; nothing was killed")
            }
        }
        let results = try SocketDestroyer().destroy(matched)
        let outcomes = zip(matched, results).map { KillOutcome($0, $1) }
        try report.write(outcomes, to: writer)
        let summary = KillReportRenderer.summary(outcomes)
        if outcomes.contains(where: { $0.result?.isGone == false }) { throw RuntimeError(message: summary) }
        Terminal.error(summary)
    }
}
