import ArgumentParser
import TCPStates

/// `tcpstates explain [STATE]`: the state diagram, or what one state means.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Draw the TCP state diagram, or explain one state.",
        usage: "tcpstates explain [--json] [<state>]",
        discussion: """
            Without STATE, draws the diagram with the events on its arrows. With STATE (any spelling \
            --state accepts, such as TIME_WAIT, time-wait, ESTAB or a group such as connected): which end \
            is in it, the arrows in and out, how long it lasts on Linux, and what a pile-up of it means. \
            With --json, the same as one JSON document.
            """
    )

    @Argument(help: ArgumentHelp("A state: a diagram name, an ss or netstat spelling, or a group.", valueName: "state"),
              completion: .list(TCPState.allCases.map(\.name)))
    var state: String?

    @Flag(name: .long, help: "Write the same as one JSON document.")
    var json = false

    func run() throws {
        let writer = ByteWriter { try Terminal.writeStandardOutput($0) }
        let explanations = try explanations()
        if json {
            try ExplanationJSONRenderer().render(explanations ?? StateExplanation.all, withDiagram: explanations == nil,
                                                 to: writer)
        } else if let explanations {
            for (index, explanation) in explanations.enumerated() {
                if index > 0 { writer.append("\n") }
                try ExplanationRenderer().render(explanation, to: writer)
            }
        } else {
            try ExplanationRenderer().renderDiagram(to: writer)
        }
        try writer.flush()
    }

    /// The states asked for, or nil for the diagram.
    private func explanations() throws -> [StateExplanation]? {
        guard let state else { return nil }
        do {
            return try StateExplanation.parsing(state)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
