import ArgumentParser
import TCPStates

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

    /// Rejects what a summary cannot do: it counts sockets, so it has no
    /// order of its own to change and no column to show more in.
    func validate(json: Bool, sorted: Bool, details: [String]) throws {
        _ = try resolvedFormat(json: json)
        guard summarizes else { return }
        if sorted {
            throw ValidationError("--sort orders a listing; a summary (--summary, --by-port, --format prometheus) has its own order")
        }
        if let detail = details.first {
            throw ValidationError("\(detail) shows more of each socket; a summary (--summary, --by-port, --format prometheus) counts them")
        }
    }

    /// The output these options ask for.
    func output(json: Bool) throws -> ListingOutput {
        let format = try resolvedFormat(json: json)
        guard summarizes else { return format == .json ? .json : .table }
        let summaryFormat: SummaryFormat = switch format {
        case .table: .table
        case .json: .json
        case .prometheus: .prometheus
        }
        return .summary(summaryFormat, byPort: byPort)
    }
}
