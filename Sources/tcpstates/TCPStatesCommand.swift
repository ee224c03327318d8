import ArgumentParser
import TCPStates
#if canImport(Glibc)
import Glibc
#endif

extension SourceKind: ExpressibleByArgument {}
extension ConnectionOrder: ExpressibleByArgument {}

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
        subcommands: [ExplainCommand.self, TraceCommand.self, KillCommand.self]
    )

    @OptionGroup(title: "Filters") var listingFilters: ListingFilterOptions
    @OptionGroup(title: "Owners, internals, timers, UDP") var details: DetailOptions

    @OptionGroup var output: OutputOptions
    var filters: FilterOptions { listingFilters.sockets }
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
        let arguments = Array(CommandLine.arguments.dropFirst())
        let helpCommand = helpCommand(for: arguments)
        var command: ParsableCommand
        do {
            command = try parseScoped(arguments)
        } catch {
            exitForParse(error, helpCommand: helpCommand)
        }
        do {
            try command.run()
        } catch {
            exitForRun(error, helpCommand: helpCommand)
        }
    }

    /// Help and version go to stdout with status 0 (1 when stdout cannot take
    /// them); usage errors are one line on stderr, status 64, that end by
    /// naming the help of the command that was given (`tcpstates kill --help`).
    private static func exitForParse(_ error: Error, helpCommand: String) -> Never {
        if let help = error as? SubcommandHelp { exitPrinting(helpMessage(for: help.command)) }
        let code = exitCode(for: error)
        if code == .success { exitPrinting(fullMessage(for: error)) }
        let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
        Terminal.error("\(usageLine(message)) (see \(helpCommand))")
        Glibc.exit(code.rawValue)
    }

    /// A parser message in the house style of the others: no `Error: `
    /// prefix, no capital to start (`Missing value` -> `missing value`), no
    /// full stop before the pointer to the help.
    static func usageLine(_ message: String) -> String {
        var line = Substring(message)
        if line.hasPrefix("Error: ") { line = line.dropFirst(7) }
        while line.last == "." { line = line.dropLast() }
        if let first = line.first, first.isUppercase, line.dropFirst().first?.isLowercase == true {
            return first.lowercased() + line.dropFirst()
        }
        return String(line)
    }

    private static func exitPrinting(_ text: String) -> Never {
        do {
            try Terminal.writeStandardOutput(text + "\n")
        } catch {
            exitForRun(error, helpCommand: "tcpstates --help")
        }
        Glibc.exit(0)
    }

    /// Runtime failures are one line on stderr, status 1; everything else as the parser says.
    private static func exitForRun(_ error: Error, helpCommand: String) -> Never {
        switch error {
        case let error as RuntimeError:
            Terminal.error(error.message)
        case let error as SourceError:
            Terminal.error(error.message)
        default:
            // Help requests, ExitCode and late validation errors: the parser knows their status.
            exitForParse(error, helpCommand: helpCommand)
        }
        Glibc.exit(1)
    }

    func validate() throws {
        try report.validate(json: json, sorted: sort != nil, details: details.shownDetails)
        try watchOptions.check(noHeader: noHeader, capturing: captureNetlinkPath != nil)
        if watchOptions.watch {
            if report.summarizes {
                throw ValidationError("--watch does not combine with --summary, --by-port or --format prometheus")
            }
        }
    }

    /// What a word on its own probably meant: a port, a state or a subcommand.
    static func hint(forStray word: String) -> String {
        let shown = OutsideText.escaped(word)
        if (try? PortRanges(parsing: word)) != nil { return "unexpected argument '\(shown)': for port \(shown), say -p \(shown)" }
        if (try? StateSet(parsing: word)) != nil { return "unexpected argument '\(shown)': for state \(shown), say -s \(shown)" }
        if configuration.subcommands.contains(where: { $0.configuration.commandName == word }) {
            return "a subcommand comes first: tcpstates \(shown) [options]"
        }
        return "unexpected argument '\(shown)'"
    }

    /// What this command line asks to list, and how.
    func listingRequest() throws -> ListingRequest {
        var request = try listingFilters.request()
        details.apply(to: &request)
        request.order = sort
        request.output = try report.output(json: json)
        request.showsHeader = !noHeader
        return request
    }

    func run() throws {
        if watchOptions.watch { return try WatchMode(command: self).run() }
        var listing = Listing(ListingPlan(try listingRequest()))
        listing.source = source
        listing.procNetDirectory = procNetDirectory
        listing.notice = { Terminal.error($0) }
        var capture: CaptureFile?
        if let captureNetlinkPath {
            capture = try CaptureFile(path: captureNetlinkPath)
            listing.netlinkCapture = { capture?.write($0) }
        }
        defer { capture?.close() }
        try listing.run(to: ByteWriter { try Terminal.writeStandardOutput($0) })
    }
}
