/// Writes `tcpstates explain` as text for an 80-column terminal: the diagram,
/// or a state's explanation with its arrows in and out.
public struct ExplanationRenderer {
    /// Lines are wrapped to this many columns.
    public var width = 79

    public init() {}

    /// The whole diagram.
    public func renderDiagram(to writer: ByteWriter) throws {
        writer.append(StateDiagram.text)
        try writer.flushIfFull()
    }

    /// One state's explanation; several are separated by a blank line.
    public func render(_ explanation: StateExplanation, to writer: ByteWriter) throws {
        let e = explanation
        let kernel = zip(e.kernelNames, e.state.kernelNumbers).map { "\($0) (\($1))" }.joined(separator: ", ")
        writer.append(e.state.name)
        writer.append("\n")
        paragraph(e.meaning, label: "Meaning", to: writer)
        paragraph("kernel \(kernel); ss \(e.ssName); netstat \(e.netstatName)", label: "Names", to: writer)
        paragraph(e.side, label: "Side", to: writer)
        for (index, arrow) in e.arrivals.enumerated() {
            paragraph("from \(arrow.from.name): \(arrow.event)", label: index == 0 ? "Arrives" : "", to: writer)
        }
        for (index, arrow) in e.departures.enumerated() {
            paragraph("to \(arrow.to.name): \(arrow.event)", label: index == 0 ? "Leaves" : "", to: writer)
        }
        paragraph(e.duration, label: "Lasts", to: writer)
        paragraph(e.pileUp, label: "Pile-up", to: writer)
        paragraph(e.killing, label: "Killing", to: writer)
        try writer.flushIfFull()
    }

    private static let indent = 10

    /// `label` in the first columns, `text` wrapped at word boundaries beside it.
    private func paragraph(_ text: String, label: String, to writer: ByteWriter) {
        var column = 0
        writer.append(label)
        column = label.count
        writer.appendSpaces(Self.indent - column)
        column = Self.indent
        var lineHasWord = false
        for word in text.split(separator: " ") {
            if lineHasWord && column + 1 + word.count > width {
                writer.append("\n")
                writer.appendSpaces(Self.indent)
                column = Self.indent
                lineHasWord = false
            }
            if lineHasWord {
                writer.append(UInt8(ascii: " "))
                column += 1
            }
            writer.append(String(word))
            column += word.count
            lineHasWord = true
        }
        writer.append("\n")
    }
}

/// Writes `tcpstates explain --json`: `{"states": [...]}`, and without a
/// state also the diagram's text and its arrows as `"transitions"`.
public struct ExplanationJSONRenderer {
    public init() {}

    public func render(_ explanations: [StateExplanation], withDiagram: Bool, to writer: ByteWriter) throws {
        writer.append("{")
        if withDiagram {
            writer.append("\"diagram\": ")
            writer.append(jsonString: StateDiagram.text)
            writer.append(",\n\"transitions\": [")
            for (index, arrow) in DiagramArrow.all.enumerated() {
                writer.append(index == 0 ? "\n" : ",\n")
                writer.append("{\"from\": \"\(arrow.from.name)\", \"to\": \"\(arrow.to.name)\", \"event\": ")
                writer.append(jsonString: arrow.event)
                writer.append("}")
            }
            writer.append("\n],\n")
        }
        writer.append("\"states\": [")
        for (index, e) in explanations.enumerated() {
            writer.append(index == 0 ? "\n" : ",\n")
            state(e, to: writer)
        }
        writer.append("\n]}\n")
        try writer.flushIfFull()
    }

    private func state(_ e: StateExplanation, to writer: ByteWriter) {
        writer.append("{\"state\": \"\(e.state.name)\", \"kernel\": [")
        for (index, (name, number)) in zip(e.kernelNames, e.state.kernelNumbers).enumerated() {
            writer.append(index == 0 ? "" : ", ")
            writer.append("{\"name\": \"\(name)\", \"number\": \(number)}")
        }
        writer.append("], \"ss\": \"\(e.ssName)\", \"netstat\": \"\(e.netstatName)\"")
        let texts = [("meaning", e.meaning), ("side", e.side), ("duration", e.duration), ("pile_up", e.pileUp),
                     ("killing", e.killing)]
        for (key, text) in texts {
            writer.append(", \"\(key)\": ")
            writer.append(jsonString: text)
        }
        arrows(e.arrivals, key: "arrivals", other: "from", to: writer) { $0.from }
        arrows(e.departures, key: "departures", other: "to", to: writer) { $0.to }
        writer.append("}")
    }

    private func arrows(_ arrows: [DiagramArrow], key: String, other: String, to writer: ByteWriter,
                        state: (DiagramArrow) -> TCPState) {
        writer.append(", \"\(key)\": [")
        for (index, arrow) in arrows.enumerated() {
            writer.append(index == 0 ? "{\"\(other)\": \"" : ", {\"\(other)\": \"")
            writer.append(state(arrow).name)
            writer.append("\", \"event\": ")
            writer.append(jsonString: arrow.event)
            writer.append("}")
        }
        writer.append("]")
    }
}
