import Foundation
import Testing

/// Issue 15, item 3: on a narrow terminal the watch screen hides whole
/// columns and says so, and never shows a cut address, port or count.
extension WatchTerminalTests {
    @Test("a 60-column and a 40-column screen hide whole columns, name them, and cut no number")
    func narrowScreensCutNoNumber() throws {
        let namespace = try LifecycleNamespace(port: 7202)
        defer { namespace.tearDown() }
        #expect(try namespace.command("open 4") == ["OPENED", "4"])
        let tmux = try Self.start(namespace, width: 60, height: 30)
        defer { tmux.stop() }
        _ = try tmux.wait(for: "the held sockets") { $0.count > 1 && $0[1].hasPrefix("9 sockets") }
        // A change and a close, for a changed row and the transitions pane.
        let connected = try namespace.command("connect")
        #expect(try namespace.command("close-client") == ["CLIENT-CLOSED"])
        let client = connected[1]
        for width in [60, 40] {
            try tmux.resize(width: width, height: 30)
            let screen = try tmux.wait(for: "a \(width)-column screen with the change in the pane") { screen in
                screen.allSatisfy { $0.count <= width } && screen.contains("TRANSITIONS")
                    && screen.drop { $0 != "TRANSITIONS" }.contains { $0.contains("-> FIN_WAIT_2") }
                    && screen.first?.contains("hidden") == true
            }
            let endpoints = Set(try namespace.runSS().flatMap { $0.split(separator: " ").dropFirst().map(String.init) })
                .union([client, "0.0.0.0:0"])  // ss writes a listener's remote as 0.0.0.0:*
            for line in screen {
                #expect(line.count <= width, "\(width): \(line)")
                for word in line.split(separator: " ").map(String.init) where word.contains(":") && word.contains { $0.isNumber } {
                    let isClock = word.split(separator: ":").count == 3
                    #expect(isClock || endpoints.contains(word), "\(width): cut or unknown endpoint \(word) in \(line)")
                }
                let characters = Array(line)
                #expect(!characters.indices.dropFirst().contains { characters[$0] == "…" && characters[$0 - 1].isNumber },
                        "\(width): a number cut short in '\(line)'")
            }
            // The counts line keeps whole parts: every number is a count of its state.
            let parts = screen[1].components(separatedBy: "  ").filter { $0 != "…" }
            #expect(parts.first?.split(separator: " ").first.flatMap { Int($0) } != nil, "\(width): '\(screen[1])'")
            for part in parts.dropFirst() {
                #expect(part.split(separator: " ").last.flatMap { Int($0) } != nil, "\(width): '\(screen[1])'")
            }
            // The header says which columns are hidden (by name, or how many).
            let heading = try #require(screen.first { $0.contains("STATE") }, "\(screen)")
            let shown = Set(heading.split(separator: " ").map(String.init))
            let missing = ["RECV-Q", "SEND-Q", "LOCAL", "REMOTE", "AGE"].filter { !shown.contains($0) }
            #expect(!missing.isEmpty, "\(width): \(heading)")
            if let names = screen[0].components(separatedBy: "hidden: ").dropFirst().first {
                #expect(Set(names.components(separatedBy: "  ")[0].split(separator: " ").map(String.init)) == Set(missing),
                        "\(width): \(screen[0])")
            } else {
                #expect(screen[0].contains("\(missing.count) columns hidden") || screen[0].contains("\(missing.count) hidden"),
                        "\(width): \(screen[0])")
            }
            // The pane keeps OLD -> NEW whole.
            let pane = screen.drop { $0 != "TRANSITIONS" }.dropFirst()
            let names = ["-"] + (try namespace.runSS().map { String($0.prefix { $0 != " " }) }) + ["ESTABLISHED", "SYN_SENT"]
            #expect(pane.contains { line in
                guard let arrow = line.range(of: " -> FIN_WAIT_2") else { return false }
                return names.contains(String(line[..<arrow.lowerBound].split(separator: " ").last ?? ""))
            }, "\(width): \(Array(pane))")
        }
        try tmux.send("q")
        _ = try tmux.wait(for: "the shell after q") { $0.contains { $0.hasPrefix("EXIT ") } }
    }
}
