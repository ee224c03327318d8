import Testing
@testable import TCPStates

/// The watch screen on narrow windows (issue 15, item 3): whole columns
/// hidden and named, cut text marked, no address or number ever cut.
@Suite struct TableLayoutTests {
    typealias T = WatchTrackerTests

    /// Captured sockets, one changed (`OLD -> NEW` in STATE) and one gone, with transitions in the pane.
    static func tracker() throws -> (SocketTracker, [Connection]) {
        let sample = try T.sample()
        var later = Array(sample.dropFirst())
        later[0] = T.with(later[0], state: later[0].kernelState == 8 ? 9 : 8)
        return (try WatchScreenTests.tracker([sample, later]), sample)
    }

    /// The text of every endpoint the tracker can show.
    static func endpoints(_ sample: [Connection]) -> Set<String> {
        Set(sample.flatMap { [SocketKey.text($0.local), SocketKey.text($0.remote)] })
    }

    /// Words of a line that look like an endpoint or a number.
    static func numericWords(_ line: String) -> [String] {
        line.split(separator: " ").map(String.init).filter { $0.contains { $0.isNumber } }
    }

    @Test(arguments: [200, 100, 80, 60, 50, 40, 30, 20, 12])
    func everyWidthFitsAndNoEndpointIsCut(width: Int) throws {
        let (tracker, sample) = try Self.tracker()
        var screen = WatchScreen(width: width, height: 40, title: "tcpstates --watch  netlink  every 1s  port 7000")
        screen.lossMarker = "LOST 3 closes"
        let lines = screen.lines(tracker, at: T.at(1500))
        let endpoints = Self.endpoints(sample)
        for line in lines {
            #expect(textWidth(line.text) <= width, "\(width): \(line.text)")
            // An endpoint is whole or absent; an ellipsis never follows a digit.
            for word in Self.numericWords(line.text) where word.contains(":") && !Self.isClock(word) {
                #expect(endpoints.contains(word), "\(width): cut endpoint \(word) in \(line.text)")
            }
            #expect(!line.text.contains { $0 == "…" } || !Self.cutsANumber(line.text), "\(width): \(line.text)")
        }
        #expect(lines[0].text.contains("LOST 3 closes") || width < 24, "\(width): \(lines[0].text)")
    }

    /// `16:00:01` or `16:00:01.000`.
    static func isClock(_ word: String) -> Bool {
        let parts = word.split(separator: ":")
        return parts.count == 3 && parts.allSatisfy { $0.allSatisfy { $0.isNumber || $0 == "." } }
    }

    /// Whether an ellipsis comes straight after a digit: a number cut short.
    static func cutsANumber(_ text: String) -> Bool {
        let characters = Array(text)
        return characters.indices.dropFirst().contains { characters[$0] == "…" && characters[$0 - 1].isNumber }
    }

    @Test func narrowScreensHideWholeColumnsLeastUsefulFirstAndSaySo() throws {
        let (tracker, _) = try Self.tracker()
        var hiddenBefore: [String] = []
        for width in [120, 80, 70, 60, 50, 40] {
            let lines = WatchScreen(width: width, height: 40, title: "t").lines(tracker, at: T.at(1500))
            let heading = try #require(lines.first { $0.style == .heading && $0.text.contains("STATE") }).text
            let shown = heading.split(separator: " ").map(String.init)
            let title = lines[0].text
            let all = ["STATE", "RECV-Q", "SEND-Q", "LOCAL", "REMOTE", "AGE"]
            if let counted = title.range(of: " columns hidden") ?? title.range(of: " hidden", options: .backwards),
               !title.contains("hidden: ") {
                // Too narrow for the names: the title says how many.
                let number = title[..<counted.lowerBound].split(separator: " ").last.flatMap { Int($0) }
                #expect(number == all.filter { !shown.contains($0) }.count, "\(width): \(title)")
                continue
            }
            let hidden = title.components(separatedBy: "hidden: ").dropFirst().first?
                .components(separatedBy: "  ")[0].split(separator: " ").map(String.init) ?? []
            // Every column is either on the heading or named as hidden.
            for column in all {
                #expect(shown.contains(column) != hidden.contains(column), "\(width): \(column) in \(title) / \(heading)")
            }
            // Narrower never brings a column back, and the queues go before the endpoints.
            #expect(Set(hiddenBefore).isSubset(of: Set(hidden)), "\(width)")
            if hidden.contains("LOCAL") || hidden.contains("REMOTE") {
                #expect(hidden.contains("RECV-Q") && hidden.contains("SEND-Q") && hidden.contains("AGE"), "\(width)")
            }
            #expect(shown.contains("STATE"))
            hiddenBefore = hidden
        }
        #expect(hiddenBefore.contains("REMOTE"), "50 columns cannot hold both endpoints")
    }

    @Test func aValueThatMustBeCutEndsInAnEllipsis() {
        var fitted = FittedColumns([
            .init(header: "STATE", priority: 100, cutPriority: 85),
            .init(header: "LOCAL", priority: 90),
        ], cells: [["ESTABLISHED -> CLOSE_WAIT", "127.0.0.1:7000"]])
        fitted.fit(width: 30)
        let line = fitted.line(["ESTABLISHED -> CLOSE_WAIT", "127.0.0.1:7000"])
        #expect(line == "ESTABLISHED -…  127.0.0.1:7000")
        #expect(fitted.hidden.isEmpty)
        // Too narrow even cut: LOCAL goes whole, STATE gets the room back.
        fitted = FittedColumns([
            .init(header: "STATE", priority: 100, cutPriority: 85),
            .init(header: "LOCAL", priority: 90),
        ], cells: [["ESTABLISHED -> CLOSE_WAIT", "127.0.0.1:7000"]])
        fitted.fit(width: 20)
        #expect(fitted.line(["ESTABLISHED -> CLOSE_WAIT", "127.0.0.1:7000"]) == "ESTABLISHED -> CLOS…")
        #expect(fitted.hidden == ["LOCAL"])
    }

    @Test func transitionsPaneKeepsOldToNewBeforeAnythingElse() throws {
        let (tracker, _) = try Self.tracker()
        for width in [100, 60, 40, 30] {
            let lines = WatchScreen(width: width, height: 40, title: "t").lines(tracker, at: T.at(1500))
            let pane = try #require(lines.firstIndex { $0.text == "TRANSITIONS" })
            let entries = lines[(pane + 1)...].map(\.text)
            #expect(!entries.isEmpty)
            for entry in entries {
                let arrow = try #require(entry.range(of: " -> "), "\(width): \(entry)")
                let old = entry[..<arrow.lowerBound].split(separator: " ").last.map(String.init) ?? ""
                let new = entry[arrow.upperBound...].split(separator: " ").first.map(String.init) ?? ""
                #expect(old == "-" || TCPState.allCases.map(\.name).contains(old), "\(width): \(entry)")
                #expect(TCPState.allCases.map(\.name).contains(new), "\(width): \(entry)")
            }
        }
    }

    @Test func titleLosesWholeWordsAndKeepsTheClockAndLossMarker() {
        var screen = WatchScreen(width: 44, height: 10, title: "tcpstates --watch  netlink  every 1s  port 7000")
        screen.lossMarker = "LOST 12"
        let title = screen.lines(SocketTracker(), at: T.at(0))[0].text
        let words = title.split(separator: " ").map(String.init)
        #expect(Self.isClock(words[0]) && words[1...2] == ["LOST", "12"], "\(title)")
        let known = Set("tcpstates --watch netlink every 1s port 7000".split(separator: " ").map(String.init))
        for word in words.dropFirst(3) { #expect(known.contains(word) || known.contains(String(word.dropLast())), "\(title)") }
        #expect(title.hasSuffix("…") && textWidth(title) <= 44)
    }

    @Test func countsLoseWholePartsNeverADigit() {
        let parts = ["1234 sockets", "LISTEN 3", "ESTABLISHED 1200", "TIME_WAIT 31"]
        #expect(fitParts(parts, width: 80) == parts.joined(separator: "  "))
        #expect(fitParts(parts, width: 36) == "1234 sockets  LISTEN 3  …")
        #expect(fitParts(parts, width: 8) == "1234 so…", "a required part is cut, marked, as a last resort")
        #expect(fitWords("tcpstates --watch  netlink", width: 20) == "tcpstates --watch…")
    }
}
