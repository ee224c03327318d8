import Testing
@testable import TCPStates

@Suite struct TCPStateTests {
    @Test func everyKernelNumberMapsToItsDiagramName() {
        // include/net/tcp_states.h, and KERNEL-NOTES' table of what we print.
        let expected: [UInt8: String] = [
            1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RCVD", 4: "FIN_WAIT_1", 5: "FIN_WAIT_2",
            6: "TIME_WAIT", 7: "CLOSED", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN",
            11: "CLOSING", 12: "SYN_RCVD", 13: "CLOSED",
        ]
        for number in UInt8(0)...UInt8(255) {
            #expect(stateName(kernel: number) == expected[number] ?? "UNKNOWN(\(number))")
        }
    }

    @Test func kernelNumbersRoundTripThroughTheDiagramState() {
        for state in TCPState.allCases {
            for number in state.kernelNumbers {
                #expect(TCPState(kernel: number) == state)
            }
        }
        let covered = TCPState.allCases.flatMap(\.kernelNumbers).sorted()
        #expect(covered == Array(1...13))
    }

    @Test func diagramOrderIsTheDeclaredOrder() {
        #expect(TCPState.allCases.map(\.name) == [
            "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
            "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT", "CLOSED",
        ])
        #expect(TCPState.listen < TCPState.closed)
    }
}
