import Foundation
import Testing
@testable import TCPStates

/// The read-ahead thread hands over every byte, in order, whatever the chunk
/// and read sizes; it stops cleanly when the reader stops early or drops the
/// file; the descriptor is closed once, and never used after that.
@Suite struct ReadAheadFileTests {
    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "tcpstates-readahead-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// This process's descriptors open on `path` (from /proc/self/fd).
    static func descriptors(to path: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.compactMap { entry in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry),
                  target == path
            else { return nil }
            return Int32(entry)
        }
    }

    /// Runs `body` on a thread of its own; false when it has not returned
    /// after `seconds` (a hang becomes a failure instead of a stuck run).
    static func returns(within seconds: Double, _ body: @escaping @Sendable () -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        Thread {
            body()
            done.signal()
        }.start()
        return done.wait(timeout: .now() + seconds) == .success
    }

    /// Reads `input` to its end; nil after a read error.
    static func readAll(_ input: ReadAheadFile, readSize: Int = 4096) -> [UInt8]? {
        var copy: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: readSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { input.read(into: $0.baseAddress!, count: $0.count) }
            if count < 0 { return nil }
            if count == 0 { return copy }
            copy += buffer[..<count]
        }
    }

    static let original = (0..<100_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }

    @Test(arguments: [(1, 1, 1), (7, 2, 3), (4096, 4, 1000), (64 * 1024, 4, 128 * 1024)])
    func deliversTheWholeFileInOrder(chunkSize: Int, chunkCount: Int, readSize: Int) throws {
        let path = try Self.temporaryFile(Self.original)
        defer { unlink(path) }
        let input = try ReadAheadFile(path: path, chunkSize: chunkSize, chunkCount: chunkCount)
        defer { input.close() }
        #expect(Self.readAll(input, readSize: readSize) == Self.original)
    }

    @Test func withoutAThreadItReadsTheFileItselfAndClosesIt() throws {
        // What happens when pthread_create fails.
        let path = try Self.temporaryFile(Self.original)
        defer { unlink(path) }
        let input = try ReadAheadFile(path: path, chunkSize: 4096, chunkCount: 2, readsAhead: false)
        #expect(Self.readAll(input) == Self.original)
        #expect(Self.descriptors(to: path).count == 1)
        input.close()
        #expect(Self.descriptors(to: path).isEmpty, "close() left the file open")
    }

    @Test func stoppingEarlyEndsTheThread() throws {
        let path = try Self.temporaryFile([UInt8](repeating: 1, count: 1 << 20))
        defer { unlink(path) }
        let input = try ReadAheadFile(path: path, chunkSize: 4096, chunkCount: 2)
        var byte: UInt8 = 0
        #expect(input.read(into: &byte, count: 1) == 1)
        // The producer waits on a full ring: close must wake and join it.
        #expect(Self.returns(within: 30) {
            input.close()
            input.close()
        }, "close() did not return")
        #expect(Self.descriptors(to: path).isEmpty)
    }

    @Test func droppingTheFileWithoutClosingEndsTheThread() throws {
        let path = try Self.temporaryFile([UInt8](repeating: 1, count: 1 << 20))
        defer { unlink(path) }
        #expect(Self.returns(within: 30) {
            guard let input = try? ReadAheadFile(path: path, chunkSize: 4096, chunkCount: 2) else { return }
            var byte: UInt8 = 0
            _ = input.read(into: &byte, count: 1)
            // The last reference goes here, while the producer waits on a full ring.
        }, "dropping the file hung")
        #expect(Self.descriptors(to: path).isEmpty, "the reading thread kept the file open")
    }

    @Test func readAfterCloseFailsWithoutTouchingTheDescriptorNumber() throws {
        let path = try Self.temporaryFile(Array("short".utf8))
        let other = try Self.temporaryFile([UInt8](repeating: 2, count: 4096))
        defer { unlink(path); unlink(other) }
        // Another open may take the freed number first: try a few times
        // until `other` lands on the number the closed file had.
        for _ in 0..<20 {
            let input = try ReadAheadFile(path: path)
            #expect(Self.readAll(input) == Array("short".utf8))
            let number = try #require(Self.descriptors(to: path).first)
            input.close()
            var opened: [Int32] = []
            defer { for fd in opened { close(fd) } }
            while (opened.last ?? -1) < number {
                let fd = open(other, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { break }
                opened.append(fd)
            }
            guard opened.last == number else { continue }
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = buffer.withUnsafeMutableBytes { input.read(into: $0.baseAddress!, count: $0.count) }
            let code = errno
            #expect(count == -1 && code == EBADF, "read after close returned \(count)")
            #expect(lseek(number, 0, SEEK_CUR) == 0, "read after close read another file")
            return
        }
        Issue.record("the closed file's descriptor number was always taken by another open")
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
        let count = input.read(into: &byte, count: 1)
        let code = errno
        #expect(count == -1)
        #expect(code == EISDIR)
    }
}
