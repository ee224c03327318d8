import ArgumentParser
import TCPStates

/// What `--format` offers; `--json` is `--format json`.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case table
    case json
    /// State counts per port in the text exposition format (implies --summary).
    case prometheus
}

/// The output format and the summaries: counts per state instead of a listing.
struct ReportOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Output format: table, json (the same as --json) or prometheus (state counts per port, text exposition format).",
        valueName: "format"))
    var format: OutputFormat?

    @Flag(name: [.customShort("S"), .long], help: "Count the sockets per state instead of listing them.")
    var summary = false

    @Flag(name: .customLong("by-port"), help: """
        Count per local port of the listeners (with the sockets they accepted) and per port named with \
        --port; the rest as "other". Implies --summary.
        """)
    var byPort = false

    /// The format asked for, with `--json` as an alias of `--format json`.
    func resolvedFormat(json: Bool) throws -> OutputFormat {
        guard json else { return format ?? .table }
        if let format, format != .json {
            throw ValidationError("--json and --format \(format.rawValue) ask for two formats; give one")
        }
        return .json
    }

    /// Whether sockets are counted instead of listed.
    var summarizes: Bool { summary || byPort || format == .prometheus }

    /// Rejects what a summary cannot do.
    func validate(json: Bool, sorted: Bool) throws {
        _ = try resolvedFormat(json: json)
        if summarizes && sorted {
            throw ValidationError("--sort orders a listing; a summary (--summary, --by-port, --format prometheus) has its own order")
        }
    }
}
