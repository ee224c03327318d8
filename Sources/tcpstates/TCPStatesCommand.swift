import ArgumentParser
import TCPStates
#if canImport(Glibc)
import Glibc
#endif

@main
struct TCPStatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcpstates",
        abstract: "Show TCP connections in the names of the TCP state diagram.",
        discussion: """
            Lists the TCP sockets of this network namespace, IPv4 and IPv6, from netlink \
            sock_diag (or /proc/net/tcp where netlink is unavailable). Filters combine: \
            AND between options, OR within a list. Listing needs no privileges.
            """,
        version: "0.1.0",
        subcommands: [ExplainCommand.self, TraceCommand.self]
    )

    @OptionGroup(title: "Filters") var filters: FilterOptions
    @OptionGroup(title: "Owners, internals, timers, UDP, namespaces") var details: DetailOptions

    // Shared with subcommands as a group: the root parses its options wherever they stand.
    @OptionGroup var output: OutputOptions
    var json: Bool { output.json }
    var noHeader: Bool { output.noHeader }

    @Option(name: .long, help: ArgumentHelp("Order rows by state, local, remote or port (default: the kernel's order).", valueName: "key"))
    var sort: ConnectionOrder?

    @Option(name: .long, help: ArgumentHelp("Where to read sockets: auto (netlink, else /proc), netlink or proc.", valueName: "source"))
    var source: SourceKind = .auto

    @OptionGroup var report: ReportOptions
    @OptionGroup(title: "Watch") var watchOptions: WatchOptions

    @Option(name: .customLong("proc-net"), help: .hidden)
    var procNetDirectory: String = "/proc/net"

    @Option(name: .customLong("capture-netlink"), help: .hidden)
    var captureNetlinkPath: String?

    static func main() {
        // A closed pipe (`tcpstates | head -1`) ends the program quietly, as it does cat.
        signal(SIGPIPE, SIG_DFL)
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exitForParse(error)
        }
        do {
            try command.run()
        } catch {
            exitForRun(error)
        }
    }

    /// Help and version go to stdout with status 0; usage errors are one line on stderr, status 64.
    private static func exitForParse(_ error: Error) -> Never {
        let code = exitCode(for: error)
        if code == .success {
            print(fullMessage(for: error))
            Glibc.exit(0)
        }
        let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
        Terminal.error("\(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message) (see tcpstates --help)")
        Glibc.exit(code.rawValue)
    }

    /// Runtime failures are one line on stderr, status 1; everything else as the parser says.
    private static func exitForRun(_ error: Error) -> Never {
        switch error {
        case let error as RuntimeError:
            Terminal.error(error.message)
        case let error as SourceError:
            Terminal.error(error.message)
        default:
            // Help requests, ExitCode and late validation errors: the parser knows their status.
            exitForParse(error)
        }
        Glibc.exit(1)
    }

    func validate() throws {
        _ = try filters.makeFilter()
        try report.validate(json: json, sorted: sort != nil)
        try watchOptions.check(noHeader: noHeader, capturing: captureNetlinkPath != nil)
        if watchOptions.watch {
            if report.summarizes {
                throw ValidationError("--watch does not combine with --summary, --by-port or --format prometheus")
            }
            if details.needsColumnTable || details.netns != nil || details.allNetns {
                throw ValidationError("--watch lists TCP sockets only, without --udp, --processes, --pid, --command, --timers, --info or --netns")
            }
        }
    }

    func run() throws {
        var filter = try filters.makeFilter()
        if watchOptions.watch { return try WatchMode(command: self, filter: filter).run() }
        if let selection = details.namespaceSelection, !report.summarizes {
            details.apply(to: &filter, filters)
            let writer = ByteWriter { try Terminal.writeStandardOutput($0) }
            return try NamespacesListing(selection: selection, filter: filter, details: details, source: source,
                                         order: sort, format: try report.resolvedFormat(json: json),
                                         showsHeader: !noHeader).run(to: writer)
        }
        let extras = try ListingDetails(details, filters: filters, filter: &filter)
        let writer = ByteWriter { try Terminal.writeStandardOutput($0) }
        let format = try report.resolvedFormat(json: json)
        if report.summarizes {
            return try SummaryReport(filter: filter, source: source, procNetDirectory: procNetDirectory, format: format,
                                     byPort: report.byPort, showsHeader: !noHeader).run(to: writer)
        }
        var lister = ConnectionLister(filter: filter, kind: source)
        lister.procNetDirectory = procNetDirectory
        lister.notice = { Terminal.warning($0) }
        extras.configure(&lister)
        var capture: CaptureFile?
        if let captureNetlinkPath {
            capture = try CaptureFile(path: captureNetlinkPath)
            lister.netlinkCapture = { capture?.write($0) }
        }
        defer { capture?.close() }

        // Renderers stream; only sorting holds the whole listing.
        func render(_ renderer: inout some ListingRenderer) throws {
            if let sort {
                var collector = ConnectionCollector()
                let used = try lister.list(into: &collector)
                extras.report(source: used)
                var connections = collector.connections
                sort.sort(&connections)
                try renderer.begin(source: used)
                for connection in connections { try renderer.add(connection) }
            } else {
                extras.report(source: try lister.list(into: &renderer))
            }
            try renderer.finish()
        }
        if format == .json {
            var renderer = JSONRenderer(writer: writer)
            renderer.extraMembers = extras.jsonMembers
            try render(&renderer)
        } else if let columns = extras.columns {
            // Extra columns are as wide as their widest value: the table is measured whole.
            var collector = ConnectionCollector()
            let used = try lister.list(into: &collector)
            extras.report(source: used)
            var connections = collector.connections
            sort?.sort(&connections)
            try ColumnTable(columns: columns, showsHeader: !noHeader).render(connections, to: writer)
        } else {
            var renderer = TableRenderer(writer: writer, showsHeader: !noHeader, families: filter.families)
            try render(&renderer)
        }
        try writer.flush()
    }
}
