import ArgumentParser

/// Output options of the listing and of trace.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Write JSON: a listing or a kill report as one document; a watch or trace as one object per line.")
    var json = false

    @Flag(name: .customLong("no-header"), help: "Leave out the header line.")
    var noHeader = false
}
