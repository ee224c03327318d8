import Foundation
import Testing
@testable import TCPStates

@Suite struct ProcessScannerTests {
    @Test func socketLinkTargetsParse() {
        func inode(_ text: String) -> UInt64? {
            Array(text.utf8).withUnsafeBytes { ProcessScanner.socketInode($0) }
        }
        #expect(inode("socket:[1391202]") == 1_391_202)
        #expect(inode("socket:[]") == nil)
        #expect(inode("pipe:[1391202]") == nil)
        #expect(inode("socket:[12a]") == nil)
        #expect(inode("socket:[99999999999999999999999]") == nil)
        #expect(inode("/dev/null") == nil)
    }

    @Test func scannerFindsSharedSocketsInAProcTree() throws {
        let root = NSTemporaryDirectory() + "tcpstates-proc-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let files = FileManager.default
        for (pid, name, links) in [(100, "server\n", ["socket:[7]", "socket:[8]", "/dev/null"]),
                                   (200, "worker\n", ["socket:[7]", "socket:[7]", "pipe:[9]"]),
                                   (300, "idle\n", ["anon_inode:[eventfd]"])] {
            try files.createDirectory(atPath: "\(root)/\(pid)/fd", withIntermediateDirectories: true)
            try name.write(toFile: "\(root)/\(pid)/comm", atomically: true, encoding: .utf8)
            for (fd, target) in links.enumerated() {
                try files.createSymbolicLink(atPath: "\(root)/\(pid)/fd/\(fd)", withDestinationPath: target)
            }
        }
        var scanner = ProcessScanner()
        scanner.procDirectory = root
        let table = try scanner.scan()
        #expect(table.owners(of: 7).map(\.pid) == [100, 200], "each process once, by pid")
        #expect(table.owners(of: 7).map { String(decoding: $0.command, as: UTF8.self) } == ["server", "worker"])
        #expect(table.owners(of: 8).map(\.pid) == [100])
        #expect(table.owners(of: 9).isEmpty && table.owners(of: 0).isEmpty)
        #expect(table.socketCount == 2)
    }
}
