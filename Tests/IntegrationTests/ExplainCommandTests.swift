import Foundation
import Testing

/// `tcpstates explain` as a user runs it: no sockets needed.
@Suite("tcpstates explain")
struct ExplainCommandTests {
    static func run(_ arguments: [String]) throws -> CommandResult {
        try Subprocess.run([try TestEnvironment.binary("tcpstates"), "explain"] + arguments)
    }

    /// What the diagram holds is StateDiagramTests' to check; here, that the
    /// command draws it, and that --json carries the same drawing.
    @Test("without a state it draws the diagram, the same one that --json carries")
    func diagram() throws {
        let text = try Self.run([])
        try #require(text.termination == .exited(0), "\(text)")
        #expect(text.stderr.isEmpty, "\(text)")
        let json = try Self.run(["--json"])
        try #require(json.termination == .exited(0), "\(json)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let drawing = try #require(object?["diagram"] as? String, "\(json)")
        #expect(text.stdout == drawing, "\(text)")
        #expect(drawing.contains("ESTABLISHED") && drawing.contains("TIME_WAIT"))
    }

    @Test("any spelling finds the state; --json before or after it gives the same as data",
          arguments: [("time-wait", "TIME_WAIT"), ("ESTAB", "ESTABLISHED"), ("syn-recv", "SYN_RCVD"),
                      ("fin_wait2", "FIN_WAIT_2"), ("unconn", "CLOSED"), ("close-wait", "CLOSE_WAIT")])
    func spellings(word: String, state: String) throws {
        let text = try Self.run([word])
        try #require(text.termination == .exited(0), "\(text)")
        #expect(text.stdout.hasPrefix(state + "\n"), "\(text)")
        for arguments in [["--json", word], [word, "--json"]] {
            let json = try Self.run(arguments)
            try #require(json.termination == .exited(0), "\(json)")
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let states = object?["states"] as? [[String: Any]]
            #expect(states?.map { $0["state"] as? String } == [state], "\(arguments)")
        }
    }

    @Test("an unknown state is a one-line usage error")
    func unknownState() throws {
        let result = try Self.run(["FIN_WAIT_3"])
        #expect(result.termination == .exited(64), "\(result)")
        #expect(result.stderrIsOneLine && result.stderr.hasPrefix("tcpstates: "), "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test("a pile-up points to the tcpstates commands that find it, and they run")
    func pileUpPointsToTcpstates() throws {
        let result = try Self.run(["close-wait"])
        try #require(result.termination == .exited(0), "\(result)")
        let text = result.stdout.replacingOccurrences(of: "\n          ", with: " ")
        #expect(text.contains("tcpstates -P -s close-wait"), "\(result)")
        #expect(!text.contains("lsof") && !text.contains("ss -tanp"), "\(result)")
        let all = try Self.run(["all"])
        #expect(!all.stdout.contains("lsof") && !all.stdout.contains("ss -tanp"), "\(all)")
        // Every `tcpstates ...` command an explanation names is one that parses.
        let commands = text.split(separator: "tcpstates ").dropFirst().map { $0.prefix { $0 != "," && $0 != "\n" } }
        for command in commands {
            let words = command.split(separator: " ").prefix { $0.hasPrefix("-") || $0 == "close-wait" }.map(String.init)
            try #require(!words.isEmpty, "\(command)")
            let run = try Subprocess.run([try TestEnvironment.binary("tcpstates")] + words)
            #expect(run.termination == .exited(0), "tcpstates \(words.joined(separator: " ")): \(run)")
        }
    }
}
