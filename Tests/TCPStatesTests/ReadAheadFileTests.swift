import Foundation
import Testing
@testable import TCPStates

/// The read-ahead thread hands over every byte, in order, whatever the chunk
/// and read sizes, and stops cleanly when the reader stops early.
@Suite struct ReadAheadFileTests {
    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "tcpstates-readahead-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [(1, 1, 1), (7, 2, 3), (4096, 4, 1000), (64 * 1024, 4, 128 * 1024)])
    func deliversTheWholeFileInOrder(chunkSize: Int, chunkCount: Int, readSize: Int) throws {
        let original = (0..<100_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        let path = try Self.temporaryFile(original)
        defer { unlink(path) }
        let input = try ReadAheadFile(path: path, chunkSize: chunkSize, chunkCount: chunkCount)
        defer { input.close() }
        var copy: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: readSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { input.read(into: $0.baseAddress!, count: $0.count) }
            #expect(count >= 0)
            if count <= 0 { break }
            copy += buffer[..<count]
        }
        #expect(copy == original)
    }

    @Test func stoppingEarlyEndsTheThread() throws {
        let path = try Self.temporaryFile([UInt8](repeating: 1, count: 1 << 20))
        defer { unlink(path) }
        let input = try ReadAheadFile(path: path, chunkSize: 4096, chunkCount: 2)
        var byte: UInt8 = 0
        #expect(input.read(into: &byte, count: 1) == 1)
        input.close()   // the producer waits on a full ring: close must wake and join it
        input.close()
    }

    @Test func missingFileIsASourceErrorWithItsErrno() {
        #expect(throws: SourceError.self) { try ReadAheadFile(path: "/nonexistent/tcp6") }
        do {
            _ = try ReadAheadFile(path: "/nonexistent/tcp6")
        } catch {
            #expect(error.errno == ENOENT)
        }
    }

    @Test func readErrorIsReported() throws {
        // A directory opens but cannot be read: EISDIR comes back through the thread.
        let input = try ReadAheadFile(path: "/")
        defer { input.close() }
        var byte: UInt8 = 0
        #expect(input.read(into: &byte, count: 1) == -1)
        #expect(errno == EISDIR)
    }
}
