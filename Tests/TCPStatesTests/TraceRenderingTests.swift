import Foundation
import Testing
@testable import TCPStates

@Suite struct TraceRenderingTests {
    static func endpoint(_ text: String, _ port: UInt16) -> Endpoint {
        Endpoint(address: IPAddress(parsing: text)!, port: port)
    }

    /// The captured changes as the tracer turns them into transitions, owners named from captured /proc stats.
    static func capturedTransitions(command: [UInt8]) throws -> [StateTransition] {
        let format = try TraceEventFormat(parsing: try Fixture.text("trace/format"))
        let names = TaskNames { _ in Array("26029 (".utf8) + command + Array(") S 1 1 1 0 -1 4194304 0".utf8) }
        let tracer = try TransitionTracer(
            source: CapturedPages([[try Fixture.bytes("trace/trace_pipe_raw-cpu1.bin")]]), format: format,
            filter: .everyState, tasks: names, wallClockOffset: 1_764_095_000_000_000_000,
            locator: FakeLocator(only: FakeLocator.host))
        let transitions = try tracer.step(now: 0).transitions
        #expect(transitions.count == (try TraceDecodingTests.decodedCapture().count))
        return transitions
    }

    static func render(_ transitions: [StateTransition], _ format: TransitionRenderer.Format) throws -> String {
        let writer = ByteWriter(threshold: .max) { _ in }
        let renderer = TransitionRenderer(writer: writer, format: format)
        renderer.writeHeader()
        for transition in transitions { try renderer.write(transition) }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func ksoftirqdAndSoftirqContextOwnNothing() throws {
        let ksoftirqd = try Fixture.bytes("trace/proc-stat-ksoftirqd.txt")
        var names = TaskNames { _ in ksoftirqd }
        var change = try #require(try TraceDecodingTests.decodedCapture().first)
        change.contextFlags = 0
        #expect(names.owner(of: change) == nil, "a kernel thread is no owner")
        var processes = TaskNames { _ in Array("1 (sh) S 0 1 1 0 -1 4194560 0".utf8) }
        #expect(processes.owner(of: change)?.command == Array("sh".utf8))
        change.contextFlags = 0x10 | 0x02
        #expect(processes.owner(of: change) == nil, "softirq context")
        change.contextFlags = 0
        change.pid = 0
        #expect(processes.owner(of: change) == nil, "the idle task")
        var gone = TaskNames { _ in nil }
        change.pid = 4242
        #expect(gone.owner(of: change) == TaskName(pid: 4242, command: nil))
    }

    @Test func anExitedProcessIsNamedFromSavedCmdlines() throws {
        let text = try Fixture.bytes("trace/saved_cmdlines.txt")
        let lines = text.split(separator: UInt8(ascii: "\n"))
        try #require(lines.count > 100)
        for line in lines {
            let parts = line.split(separator: UInt8(ascii: " "), maxSplits: 1)
            let pid = try #require(Int32(String(decoding: parts[0], as: UTF8.self)))
            #expect(TaskNames.command(of: pid, inSavedCmdlines: text) == Array(parts[1]))
        }
        // 11350 is there; 1135 and 113500 are not, and must not match it.
        #expect(TaskNames.command(of: 11350, inSavedCmdlines: text) == Array("python3".utf8))
        #expect(TaskNames.command(of: 1135, inSavedCmdlines: text) == nil)
        #expect(TaskNames.command(of: 113500, inSavedCmdlines: text) == nil)
        var change = try #require(try TraceDecodingTests.decodedCapture().first)
        change.contextFlags = 0
        change.pid = 11350
        var names = TaskNames(readStat: { _ in nil }, savedCommand: { TaskNames.command(of: $0, inSavedCmdlines: text) })
        #expect(names.owner(of: change) == TaskName(pid: 11350, command: Array("python3".utf8)))
    }

    @Test func aCachedNameIsReadAgainAfterASecond() throws {
        var reads = 0
        var names = TaskNames(readStat: { _ in reads += 1; return Array("7 (sh) S 0 1 1 0 -1 4194560 0".utf8) })
        var change = try #require(try TraceDecodingTests.decodedCapture().first)
        change.contextFlags = 0
        _ = names.owner(of: change)
        change.timestamp += 900_000_000
        _ = names.owner(of: change)
        #expect(reads == 1)
        change.timestamp += 200_000_000
        _ = names.owner(of: change)
        #expect(reads == 2, "a pid may have been reused")
    }

    @Test func aCommandFromProcIsReadBetweenTheOuterParentheses() throws {
        let parsed = try #require(TaskNames.parseStat(try Fixture.bytes("trace/proc-stat-escape-comm.txt")))
        #expect(parsed.command == Array("we) ird\u{1b}[31m".utf8))
        #expect(!parsed.isKernelThread)
        #expect(TaskNames.parseStat(try Fixture.bytes("trace/proc-stat-ksoftirqd.txt"))?.isKernelThread == true)
    }

    @Test func controlBytesInACommandNeverReachTheTerminal() throws {
        let command = Array("we) ird\u{1b}[31m".utf8) + [0xff, 0x07]
        let text = try Self.render(try Self.capturedTransitions(command: command), .text)
        #expect(!text.utf8.contains(0x1b) && !text.utf8.contains(0x07))
        // Not UTF-8 as a whole: every byte outside printable ASCII is shown as \\xNN.
        #expect(text.contains("we) ird\\x1b[31m\\xff\\x07[26029]"))
    }

    @Test func ndjsonLinesAreValidJSONWithTheWatchSchema() throws {
        let command = Array("a\"b\\c\u{1b}".utf8)
        let transitions = try Self.capturedTransitions(command: command)
        let lines = try Self.render(transitions, .json).split(separator: "\n")
        try #require(lines.count == transitions.count)
        for (line, transition) in zip(lines, transitions) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["event"] as? String == "change")
            #expect(object["source"] as? String == "trace")
            #expect(object["state"] as? String == stateName(kernel: transition.state))
            #expect(object["previous_state"] as? String == stateName(kernel: transition.previousState))
            #expect(object["family"] as? String == transition.family.name)
            let local = try #require(object["local"] as? [String: Any])
            #expect(local["port"] as? Int == Int(transition.local.port))
            #expect(local["address"] as? String == transition.local.address.description)
            if let elapsed = transition.stateNanoseconds {
                let ms = try #require(object["state_ms"] as? Double)
                #expect(abs(ms - Double(elapsed) / 1e6) < 0.0006)
            } else {
                #expect(object["state_ms"] is NSNull)
            }
            let netns = try #require(object["netns"] as? [String: Any])
            #expect(netns["inode"] as? Int == Int(FakeLocator.host))
            #expect(netns["name"] is NSNull && netns["pid"] is NSNull && netns["container"] is NSNull)
            let time = try #require(object["time"] as? String)
            #expect(time.hasPrefix("2025-11-25T") && time.hasSuffix("Z") && time.count == 24, "\(time)")
            if transition.task != nil {
                #expect(object["command"] as? String == "a\"b\\c\u{1b}")
            } else {
                #expect(object["pid"] is NSNull && object["command"] is NSNull)
            }
        }
    }

    @Test func textColumnsLineUpWithTheHeader() throws {
        let text = try Self.render(try Self.capturedTransitions(command: Array("python3".utf8)), .text)
        let lines = text.split(separator: "\n").map(String.init)
        let header = try #require(lines.first)
        func column(_ line: String, _ word: String) -> Int? { line.range(of: word).map { line.distance(from: line.startIndex, to: $0.lowerBound) } }
        let arrow = try #require(column(lines[1], "-> "))
        #expect(column(header, "NEW") == arrow + 3)
        for line in lines.dropFirst() {
            #expect(column(line, "-> ") == arrow, "\(line)")
            #expect(line.split(separator: " ").count == 9, "\(line)")
            #expect(column(line, "net:[\(FakeLocator.host)]") == column(header, "NETNS"), "\(line)")
        }
    }

    @Test func anUnknownNamespaceIsPrintedUnknownAndANameEscaped() throws {
        var transition = try #require(try Self.capturedTransitions(command: Array("sh".utf8)).first)
        transition.netns = nil
        #expect(try Self.render([transition], .text).contains(" unknown "))
        let json = try Self.render([transition], .json)
        #expect(json.contains("\"netns\": null"), "\(json)")
        transition.netns = NetnsIdentity(inode: 4026532412, name: "we\u{1b}b", holderPID: 77,
                                         container: ContainerLabel(runtime: .docker, id: "0123456789abcdef"))
        let text = try Self.render([transition], .text)
        #expect(text.contains(" we\\x1bb ") && !text.utf8.contains(0x1b), "\(text)")
        let line = try Self.render([transition], .json).split(separator: "\n").last.map(String.init) ?? ""
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let netns = try #require(object["netns"] as? [String: Any])
        #expect(netns["inode"] as? Int == 4026532412 && netns["name"] as? String == "we\u{1b}b")
        #expect(netns["pid"] as? Int == 77 && netns["container"] as? String == "docker:0123456789ab")
    }

    @Test func kernelFilterHasProtocolFamilyAndEachPortList() throws {
        var filter = ConnectionFilter()
        #expect(TraceFilterExpression.make(filter) == "protocol == 6")
        filter.families = [.ipv6]
        filter.ports = try PortRanges(parsing: "80,8000-8100")
        filter.remotePorts = try PortRanges(parsing: "443")
        filter.localPorts = try PortRanges(parsing: "0-65535")
        #expect(TraceFilterExpression.make(filter) ==
            "protocol == 6 && family == 10 && (sport == 80 || (sport >= 8000 && sport <= 8100) || dport == 80 || "
            + "(dport >= 8000 && dport <= 8100)) && dport == 443")
    }
}
