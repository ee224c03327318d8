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
        subcommands: []
    )

    @OptionGroup(title: "Filters") var filters: FilterOptions

    @Flag(name: .long, help: "Write one JSON document instead of a table.")
    var json = false

    @Flag(name: .customLong("no-header"), help: "Leave out the table's header line.")
    var noHeader = false

    @Option(name: .long, help: ArgumentHelp("Order rows by state, local, remote or port (default: the kernel's order).", valueName: "key"))
    var sort: ConnectionOrder?

    @Option(name: .long, help: ArgumentHelp("Where to read sockets: auto (netlink, else /proc), netlink or proc.", valueName: "source"))
    var source: SourceKind = .auto

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
    }

    func run() throws {
        let filter = try filters.makeFilter()
        let writer = ByteWriter { try Terminal.writeStandardOutput($0) }
        var lister = ConnectionLister(filter: filter, kind: source)
        lister.procNetDirectory = procNetDirectory
        lister.notice = { Terminal.warning($0) }
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
                var connections = collector.connections
                sort.sort(&connections)
                try renderer.begin(source: used)
                for connection in connections { try renderer.add(connection) }
            } else {
                try lister.list(into: &renderer)
            }
            try renderer.finish()
        }
        if json {
            var renderer = JSONRenderer(writer: writer)
            try render(&renderer)
        } else {
            var renderer = TableRenderer(writer: writer, showsHeader: !noHeader, families: filter.families)
            try render(&renderer)
        }
        try writer.flush()
    }
}
