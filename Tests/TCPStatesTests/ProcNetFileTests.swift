import Foundation
import Testing
@testable import TCPStates

@Suite struct ProcNetFileTests {
    @Test func readsLinesAcrossChunkBoundariesAndReportsBadOnes() throws {
        // Real lines, repeated past the reader's 256 KiB chunk, the last without a newline.
        let lines = try Fixture.text("proc-net-tcp.txt").split(separator: "\n")
        var text = String(lines[0]) + "\n"
        let rows = lines.dropFirst()
        for i in 0..<3000 {
            text += rows[rows.startIndex + i % rows.count] + "\n"
            if i == 1500 { text += "   9: this line is broken\n" }
        }
        text += String(rows.first!)
        let path = NSTemporaryDirectory() + "tcpstates-procfile-\(getpid())"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        var count = 0
        var bad: [ProcNetFile.Malformed] = []
        try ProcNetFile.read(path: path, family: .ipv4, malformed: { bad.append($0) }) { _ in count += 1 }
        #expect(count == 3001)
        #expect(bad.map(\.line) == [1503])
    }

    @Test func missingFileIsASourceError() {
        #expect(throws: SourceError.self) {
            try ProcNetFile.read(path: "/nonexistent/tcp", family: .ipv4, malformed: { _ in }) { _ in }
        }
    }
}
