import ArgumentParser

/// Output options of the listing and of trace.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Write JSON: the listing as one document, trace as one change per line.")
    var json = false

    @Flag(name: .customLong("no-header"), help: "Leave out the header line.")
    var noHeader = false
}
