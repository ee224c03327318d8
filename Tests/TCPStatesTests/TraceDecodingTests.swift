import Testing
@testable import TCPStates

/// One line of the captured text trace, as the kernel formatted the same
/// records that the captured trace_pipe_raw page holds.
struct TextTraceLine {
    var command: String
    var pid: Int32
    var inSoftirq: Bool
    var microseconds: UInt64
    var fields: [String: String]

    /// `  python3-26029   [001] ..s2.  1572.547499: inet_sock_set_state: k=v k=v ...`
    init?(_ line: Substring) {
        guard !line.hasPrefix("#"), let bracket = line.range(of: " [") else { return nil }
        let task = line[..<bracket.lowerBound].split(separator: " ").joined(separator: " ")
        guard let dash = task.lastIndex(of: "-"), let pid = Int32(task[task.index(after: dash)...]) else { return nil }
        command = String(task[..<dash])
        self.pid = pid
        let rest = line[bracket.lowerBound...].split(separator: " ")
        guard rest.count >= 4 else { return nil }
        inSoftirq = rest[1].contains("s")
        let stamp = rest[2].dropLast().split(separator: ".")
        guard stamp.count == 2, let seconds = UInt64(stamp[0]), let micros = UInt64(stamp[1]) else { return nil }
        microseconds = seconds * 1_000_000 + micros
        var fields: [String: String] = [:]
        for item in rest.dropFirst(4) {
            let pair = item.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        self.fields = fields
    }
}

/// The captured ring-buffer page, decoded (RingBufferPage and
/// SocketStateChangeDecoder together), against what the kernel printed.
@Suite struct TraceDecodingTests {
    static let kernelNames: [String: UInt8] = [
        "TCP_ESTABLISHED": 1, "TCP_SYN_SENT": 2, "TCP_SYN_RECV": 3, "TCP_FIN_WAIT1": 4, "TCP_FIN_WAIT2": 5,
        "TCP_TIME_WAIT": 6, "TCP_CLOSE": 7, "TCP_CLOSE_WAIT": 8, "TCP_LAST_ACK": 9, "TCP_LISTEN": 10,
        "TCP_CLOSING": 11, "TCP_NEW_SYN_RECV": 12,
    ]

    static func decodedCapture() throws -> [SocketStateChange] {
        let format = try TraceEventFormat(parsing: try Fixture.text("trace/format"))
        let decoder = try SocketStateChangeDecoder(format: format)
        var changes: [SocketStateChange] = []
        let summary = try Fixture.bytes("trace/trace_pipe_raw-cpu1.bin").withUnsafeBytes { page in
            try RingBufferPage.decode(page) { time, record in
                if let change = decoder.decode(record, timestamp: time) { changes.append(change) }
            }
        }
        #expect(summary.records == changes.count)
        #expect(!summary.missedEvents)
        return changes
    }

    static func textLines(_ name: String) throws -> [TextTraceLine] {
        try Fixture.text(name).split(separator: "\n").compactMap(TextTraceLine.init)
    }

    @Test func aFormatWithoutAFieldIsRefused() throws {
        let text = try Fixture.text("trace/format").split(separator: "\n").filter { !$0.contains("skaddr") }
            .joined(separator: "\n")
        #expect(throws: TraceError.self) { try SocketStateChangeDecoder(format: try TraceEventFormat(parsing: text)) }
    }

    @Test func rawPageDecodesToWhatTheKernelPrinted() throws {
        let changes = try Self.decodedCapture()
        let lines = try Self.textLines("trace/trace.txt")
        try #require(changes.count == lines.count && changes.count == 24)
        for (change, line) in zip(changes, lines) {
            let f = line.fields
            // The kernel prints microseconds rounded to nearest (ns2usecs).
            #expect((change.timestamp + 500) / 1000 == line.microseconds, "\(line)")
            #expect(change.pid == line.pid)
            #expect(change.ranInInterrupt == line.inSoftirq, "\(line)")
            #expect(change.oldState == Self.kernelNames[f["oldstate"] ?? ""])
            #expect(change.newState == Self.kernelNames[f["newstate"] ?? ""])
            #expect(String(change.local.port) == f["sport"] && String(change.remote.port) == f["dport"])
            let v6 = f["family"] == "AF_INET6"
            #expect(change.family == (v6 ? .ipv6 : .ipv4))
            #expect(change.local.address == IPAddress(parsing: f[v6 ? "saddrv6" : "saddr"] ?? ""), "\(line)")
            #expect(change.remote.address == IPAddress(parsing: f[v6 ? "daddrv6" : "daddr"] ?? ""), "\(line)")
        }
    }

    @Test func socketAddressesMatchTheFieldsView() throws {
        let changes = try Self.decodedCapture()
        let lines = try Self.textLines("trace/trace-fields.txt")
        try #require(changes.count == lines.count)
        for (change, line) in zip(changes, lines) {
            #expect("0x" + String(change.socket, radix: 16) == line.fields["skaddr"], "\(line)")
        }
    }

    @Test func eachSocketObjectWalksTheDiagram() throws {
        var order: [UInt64] = []
        var walks: [UInt64: [String]] = [:]
        for change in try Self.decodedCapture() {
            if walks[change.socket] == nil {
                order.append(change.socket)
                walks[change.socket] = [stateName(kernel: change.oldState)]
            }
            walks[change.socket]!.append(stateName(kernel: change.newState))
        }
        let seen = order.map { walks[$0]!.joined(separator: " ") }
        let listener = "CLOSED LISTEN CLOSED"
        let client = "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSED"
        let server = "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"
        #expect(seen == [listener, client, server, listener, client, server])
    }
}
