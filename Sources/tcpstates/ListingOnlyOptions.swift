import ArgumentParser
import TCPStates

/// The argument parser reads the root command's options wherever they stand,
/// also after a subcommand's name, so `tcpstates trace --sort state` would
/// parse and then be ignored. Subcommands reject what they do not use.
extension TCPStatesCommand {
    /// The listing-only options given on this command line, by name.
    var listingOnlyOptionsGiven: [String] {
        var given: [String] = []
        func note(_ name: String, _ isGiven: Bool) { if isGiven { given.append(name) } }
        note("--sort", sort != nil)
        note("--source", source != .auto)
        note("--watch", watchOptions.watch)
        note("--interval", watchOptions.interval != nil)
        note("--format", report.format != nil)
        note("--summary", report.summary)
        note("--by-port", report.byPort)
        note("--tcp", details.tcp)
        note("--udp", details.udp)
        note("--processes", details.processes)
        note("--pid", !details.pid.isEmpty)
        note("--command", !details.command.isEmpty)
        note("--timers", details.timers)
        note("--info", details.info)
        note("--netns", details.netns != nil)
        note("--all-netns", details.allNetns)
        return given
    }

    /// The filter options given, by name: `explain` takes none.
    var filterOptionsGiven: [String] {
        var given: [String] = []
        func note(_ name: String, _ isGiven: Bool) { if isGiven { given.append(name) } }
        note("--port", !filters.port.isEmpty)
        note("--local-port", !filters.localPort.isEmpty)
        note("--remote-port", !filters.remotePort.isEmpty)
        note("--state", !filters.state.isEmpty)
        note("--listening", filters.listening)
        note("--all", filters.all)
        note("-4", filters.ipv4)
        note("-6", filters.ipv6)
        note("--local", !filters.localAddress.isEmpty)
        note("--remote", !filters.remoteAddress.isEmpty)
        note("--addr", !filters.address.isEmpty)
        return given
    }

    /// The listing-only options among command-line words, for a subcommand
    /// that declares the root's filter groups itself and so cannot see the
    /// root's parsed values.
    static func listingOnlyOptions(in words: [String]) -> [String] {
        let names: Set<String> = [
            "--sort", "--source", "--watch", "-w", "--interval", "--format", "--summary", "-S", "--by-port",
            "--tcp", "-t", "--udp", "-u", "--processes", "-P", "--pid", "--command", "--timers", "-o",
            "--info", "-i", "--netns", "--all-netns",
        ]
        return words.dropFirst().prefix { $0 != "--" }.compactMap { word in
            let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            return names.contains(name) ? name : nil
        }
    }

    /// Throws a usage error naming the first of `names`, if any.
    static func reject(_ names: [String], in subcommand: String) throws {
        guard let name = names.first else { return }
        throw ValidationError("\(name) does not apply to tcpstates \(subcommand)")
    }
}
