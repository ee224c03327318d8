import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The committed man page and completions are what `make docs` writes from
/// the command definition, and the tools that read them accept them.
@Suite("Man page and completions")
struct DocsTests {
    static let shells = [("bash", "completions/tcpstates.bash"), ("zsh", "completions/_tcpstates"),
                         ("fish", "completions/tcpstates.fish")]

    static func dumpHelp() throws -> String {
        let result = try Subprocess.run([try TestEnvironment.binary("tcpstates"), "--experimental-dump-help"])
        try #require(result.termination == .exited(0), "\(result)")
        return result.stdout
    }

    @Test("man/tcpstates.1 is what make docs generates")
    func manPageIsCurrent() throws {
        let generator = try TestEnvironment.binary("tcpstates-docs")
        let result = try Subprocess.run(
            [generator, "\(Checkout.root)/man/tcpstates.1.in", "\(Checkout.root)/man/options.in"], input: try Self.dumpHelp())
        try #require(result.termination == .exited(0), "\(result)")
        let committed = try Checkout.text("man/tcpstates.1")
        let current = committed == result.stdout
        #expect(current, "man/tcpstates.1 is stale: run make docs (\(Checkout.firstDifference(committed, result.stdout)))")
    }

    @Test("the completions are what make docs generates", arguments: shells)
    func completionsAreCurrent(shell: String, path: String) throws {
        let result = try Subprocess.run([try TestEnvironment.binary("tcpstates"), "--generate-completion-script", shell])
        try #require(result.termination == .exited(0), "\(result)")
        let committed = try Checkout.text(path)
        let current = committed == result.stdout
        #expect(current, "\(path) is stale: run make docs (\(Checkout.firstDifference(committed, result.stdout)))")
    }

    @Test("README's usage block is what tcpstates --help prints")
    func readmeHelpIsCurrent() throws {
        let result = try Subprocess.run([try TestEnvironment.binary("tcpstates"), "--help"])
        try #require(result.termination == .exited(0), "\(result)")
        let readme = try Checkout.text("README.md")
        let start = try #require(readme.range(of: "$ tcpstates --help\n"), "README shows tcpstates --help")
        let end = try #require(readme.range(of: "\n```", range: start.upperBound..<readme.endIndex))
        let block = String(readme[start.upperBound..<end.lowerBound]) + "\n"
        #expect(block == result.stdout, "README's --help block is stale: run make docs (\(Checkout.firstDifference(block, result.stdout)))")
    }

    @Test("every option and subcommand of --help is in the man page")
    func manPageNamesEveryOption() throws {
        let page = try Checkout.text("man/tcpstates.1").replacingOccurrences(of: "\\-", with: "-")
        // The names an entry's heading (the line after .TP) gives.
        let lines = page.split(separator: "\n").map(String.init)
        var documented: Set<String> = []
        for (index, line) in lines.enumerated().dropLast() where line == ".TP" {
            for token in lines[index + 1].split(whereSeparator: { " \",".contains($0) }) where token.hasPrefix("-") {
                documented.insert(String(token))
            }
        }
        let info = try JSONSerialization.jsonObject(with: Data(try Self.dumpHelp().utf8)) as? [String: Any]
        let command = try #require(info?["command"] as? [String: Any])
        var names: [String] = []
        for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool == true {
            for name in argument["names"] as? [[String: String]] ?? [] {
                names.append((name["kind"] == "long" ? "--" : "-") + (name["name"] ?? ""))
            }
        }
        #expect(names.contains("--summary") && names.contains("--format"))
        for name in names { #expect(documented.contains(name), "\(name) has no entry in the man page") }
        for subcommand in command["subcommands"] as? [[String: Any]] ?? [] {
            let name = subcommand["commandName"] as? String ?? ""
            if name != "help" { #expect(page.contains(".SS \"tcpstates \(name)\""), "\(name)") }
        }
    }

    @Test("prose for an option the command does not have fails the generator")
    func staleProseFails() throws {
        let prose = FileManager.default.temporaryDirectory.appendingPathComponent("tcpstates-prose-\(getpid()).in").path
        defer { try? FileManager.default.removeItem(atPath: prose) }
        let text = try Checkout.text("man/options.in") + ".\\\" @option --no-such-option\nGone.\n"
        try text.write(toFile: prose, atomically: true, encoding: .utf8)
        let result = try Subprocess.run([try TestEnvironment.binary("tcpstates-docs"),
                                         "\(Checkout.root)/man/tcpstates.1.in", prose], input: try Self.dumpHelp())
        #expect(result.termination == .exited(1), "\(result)")
        #expect(result.stderrIsOneLine && result.stderr.contains("--no-such-option"), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test("mandoc -Tlint reports nothing", .enabled(if: Subprocess.which("mandoc") != nil, "needs mandoc"))
    func mandocLint() throws {
        let result = try Subprocess.run(["mandoc", "-Tlint", "\(Checkout.root)/man/tcpstates.1"])
        #expect(result.termination == .exited(0) && result.stdout.isEmpty && result.stderr.isEmpty, "\(result)")
    }

    @Test("groff -man -ww -z reports nothing", .enabled(if: Subprocess.which("groff") != nil, "needs groff"))
    func groffWarnings() throws {
        let result = try Subprocess.run(["groff", "-man", "-ww", "-z", "\(Checkout.root)/man/tcpstates.1"])
        #expect(result.termination == .exited(0) && result.stderr.isEmpty, "\(result)")
    }

    @Test("bash -n accepts the bash completions", .enabled(if: Subprocess.which("bash") != nil, "needs bash"))
    func bashParses() throws { try Self.check(["bash", "-n"], "completions/tcpstates.bash") }

    @Test("zsh -n accepts the zsh completions", .enabled(if: Subprocess.which("zsh") != nil, "needs zsh (make test installs it)"))
    func zshParses() throws { try Self.check(["zsh", "-n"], "completions/_tcpstates") }

    @Test("fish --no-execute accepts the fish completions",
          .enabled(if: Subprocess.which("fish") != nil, "needs fish (make test installs it)"))
    func fishParses() throws { try Self.check(["fish", "--no-execute"], "completions/tcpstates.fish") }

    private static func check(_ command: [String], _ path: String) throws {
        let result = try Subprocess.run(command + ["\(Checkout.root)/\(path)"])
        #expect(result.termination == .exited(0) && result.stderr.isEmpty, "\(result)")
    }
}
