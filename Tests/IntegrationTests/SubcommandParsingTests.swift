import Foundation
import Testing

/// Each subcommand takes its own options and no other; help is asked of
/// one by name, and a name that is no subcommand is an error.
@Suite("Options scoped by subcommand")
struct SubcommandParsingTests {
    static func run(_ arguments: [String]) throws -> CommandResult {
        try Subprocess.run([try TestEnvironment.binary("tcpstates")] + arguments)
    }

    /// Options of the listing given to a subcommand that has no use for them,
    /// before or after its other arguments, in any spelling.
    @Test("an option the subcommand does not take exits 64 with one line", arguments: [
        ["trace", "-tu"], ["trace", "-Pi"], ["trace", "-t"], ["trace", "--udp"], ["trace", "-P"], ["trace", "-i"],
        ["trace", "--pid", "1"], ["trace", "--netns", "x"], ["trace", "--summary"], ["trace", "--by-port"],
        ["trace", "--format", "json"], ["trace", "--source", "proc"], ["trace", "--sort", "state"],
        ["trace", "--interval", "1"], ["trace", "--port", "80", "-o"],
        ["explain", "--no-header"], ["explain", "-p", "80"], ["explain", "TIME_WAIT", "-4"], ["explain", "--count", "1"],
        ["explain", "-S"], ["explain", "--watch"],
    ])
    func foreignOption(_ arguments: [String]) throws {
        let result = try Self.run(arguments)
        #expect(result.termination == .exited(64), "\(result)")
        #expect(result.stderrIsOneLine && result.stderr.hasPrefix("tcpstates: "), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    /// The pointer at the end of a usage error names the help that lists the
    /// options of the command given, and the parser's own messages read as
    /// the tool's (no capital, no full stop before the pointer).
    @Test("a usage error points at the help of the command given", arguments: [
        (["kill", "-p", "80", "stray"], "unexpected argument 'stray' (see tcpstates kill --help)"),
        (["kill"], "(see tcpstates kill --help)"),
        (["trace", "--count", "x"], "the value 'x' is invalid for '--count <n>' (see tcpstates trace --help)"),
        (["explain", "a", "b"], "unexpected argument 'b' (see tcpstates explain --help)"),
        (["-p"], "missing value for '-p <list>' (see tcpstates --help)"),
        (["--sort", "x"], "or 'port' (see tcpstates --help)"),
        (["help", "foo"], "(see tcpstates --help)"),
    ])
    func pointer(_ arguments: [String], ending: String) throws {
        let result = try Self.run(arguments)
        #expect(result.termination == .exited(64), "\(result)")
        #expect(result.stderrIsOneLine && result.stderr.hasSuffix(ending + "\n"), "\(result)")
    }

    @Test("a subcommand named after options is a usage error, not a listing")
    func subcommandAfterOptions() throws {
        for arguments in [["--json", "explain"], ["-p", "80", "trace"]] {
            let result = try Self.run(arguments)
            #expect(result.termination == .exited(64), "\(result)")
            #expect(result.stderrIsOneLine && result.stderr.contains("subcommand comes first"), "\(result)")
        }
    }

    @Test("help names a subcommand or nothing; anything else exits 64")
    func helpTopics() throws {
        let root = try Self.run(["help"])
        #expect(root.termination == .exited(0) && root.stdout.contains("SUBCOMMANDS:"), "\(root)")
        #expect(root.stdout == (try Self.run(["--help"])).stdout)
        for name in ["trace", "explain"] {
            let byName = try Self.run(["help", name])
            #expect(byName.termination == .exited(0), "\(byName)")
            #expect(byName.stdout.contains("USAGE: tcpstates \(name)"), "\(byName)")
            #expect(byName.stdout == (try Self.run([name, "--help"])).stdout, "\(name)")
        }
        for arguments in [["help", "foo"], ["help", "trace", "explain"], ["help", "--port"]] {
            let result = try Self.run(arguments)
            #expect(result.termination == .exited(64), "\(result)")
            #expect(result.stderrIsOneLine && result.stdout.isEmpty, "\(result)")
        }
    }

    @Test("--version is the tool's, also after a subcommand's name")
    func version() throws {
        let root = try Self.run(["--version"])
        #expect(root.termination == .exited(0) && !root.stdout.isEmpty, "\(root)")
        for name in ["trace", "explain", "kill"] {
            #expect(try Self.run([name, "--version"]).stdout == root.stdout, "\(name)")
        }
    }

    @Test("help that cannot be written exits 1 with one line", .enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func helpToAFullDevice() throws {
        let binary = try TestEnvironment.binary("tcpstates")
        for arguments in ["--help", "help trace", "trace --help"] {
            let result = try Subprocess.run(["sh", "-c", "\"$0\" \(arguments) >/dev/full", binary])
            #expect(result.termination == .exited(1), "\(result)")
            #expect(result.stderrIsOneLine && result.stderr.contains("No space left"), "\(result)")
        }
    }
}
