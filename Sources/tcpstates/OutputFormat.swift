import ArgumentParser

/// What `--format` offers; `--json` is `--format json`.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case table
    case json
    /// State counts per port in the text exposition format (implies --summary).
    case prometheus
}
