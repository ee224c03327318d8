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
        "The sockets of network namespace NAME (under /run/netns) or PATH (/proc/PID/ns/net), or of each of a comma-separated list; needs root.",
        valueName: "name|path"))
    var netns: String?

    @Flag(name: .customLong("all-netns"), help: "The sockets of every network namespace (named, held by processes, this one), each naming its own; unprivileged, this one only.")
    var allNetns = false

    func validate() throws {
        _ = try sockets.makeFilter()
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

    /// The options as a request for these sockets; the rest of the request
    /// (what to show, how) is the caller's.
    func request() throws -> ListingRequest {
        var request = ListingRequest()
        request.filter = try sockets.makeFilter()
        request.namesStates = !sockets.state.isEmpty
        request.listening = sockets.listening
        request.owners = ownerFilter
        if allNetns {
            request.namespaces = .all
        } else if let netns, netns.contains(",") {
            request.namespaces = .named(netns.split(separator: ",").map(String.init))
        } else {
            request.namespace = netns
        }
        return request
    }
}
