import Testing
@testable import TCPStates

@Suite struct StateDiagramTests {
    @Test func diagramFitsEightyColumnsAndShowsEveryStateAndArrowEvent() {
        let lines = StateDiagram.text.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines { #expect(line.count <= 80, "\(line)") }
        for state in TCPState.allCases { #expect(StateDiagram.text.contains(state.name), "\(state.name)") }
        for event in ["rcv SYN, snd SYN+ACK", "rcv SYN+ACK, snd ACK", "rcv ACK of SYN", "close(), snd FIN",
                      "rcv FIN, snd ACK", "rcv ACK of FIN", "2MSL", "simultaneous open", "listen()", "connect()"] {
            #expect(StateDiagram.text.contains(event), "\(event)")
        }
    }
}
