import ArgumentParser
import TCPStates

/// Every filter of a listing: the socket filters, the owners and the
/// network namespace. A group of its own, so that any command that acts on
/// the sockets a listing would list takes the same options.
struct ListingFilterOptions: ParsableArguments {
    @OptionGroup var sockets: FilterOptions

    // Unconditional, so that `--pid -3` is a bad pid rather than a missing value.
    @Option(name: .long, parsing: .unconditionalSingleValue, help: ArgumentHelp("Sockets held by process PID (repeatable; implies --processes).", valueName: "pid"))
    var pid: [Int32] = []

    @Option(name: .long, help: ArgumentHelp("Sockets held by a process named NAME (repeatable; implies --processes).", valueName: "name"))
    var command: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "List the sockets of network namespace NAME (under /run/netns) or PATH (/proc/PID/ns/net); needs root.",
        valueName: "name|path"))
    var netns: String?

    func validate() throws {
        _ = try sockets.makeFilter()
        if let bad = pid.first(where: { $0 <= 0 }) { throw ValidationError("--pid wants a process id above 0, got \(bad)") }
        if command.contains(where: \.isEmpty) { throw ValidationError("--command wants a process name") }
        if netns == "" { throw ValidationError("--netns wants a namespace name or path") }
    }

    /// The `--pid` and `--command` filter.
    var ownerFilter: OwnerFilter {
        OwnerFilter(pids: Set(pid), commands: command.map { Array($0.utf8) })
    }

    /// The options as a request for these sockets; the rest of the request
    /// (what to show, how) is the caller's.
    func request() throws -> ListingRequest {
        var request = ListingRequest()
        request.filter = try sockets.makeFilter()
        request.namesStates = !sockets.state.isEmpty
        request.listening = sockets.listening
        request.owners = ownerFilter
        request.namespace = netns
        return request
    }
}
