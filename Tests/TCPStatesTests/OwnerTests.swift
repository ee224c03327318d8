import Foundation
import Testing
@testable import TCPStates

@Suite struct OwnerTests {
    static func table(_ bytes: [UInt8]) -> String { RenderTests.output { $0.append(escaping: bytes) } }
    static func json(_ bytes: [UInt8]) -> String { RenderTests.output { $0.append(jsonString: bytes) } }

    @Test func tableEscapingShowsControlsAndBadBytesAsEscapes() {
        #expect(Self.table(Array("\u{1b}[2Jevil\nname".utf8)) == #"\x1b[2Jevil\nname"#)
        #expect(Self.table(Array("sshd".utf8)) == "sshd")
        #expect(Self.table([0x61, 0x5C, 0x09, 0x7F, 0x00]) == #"a\\\t\x7f\x00"#)
        #expect(Self.table(Array("café".utf8)) == "café")
        #expect(Self.table([0xC2, 0x9B, 0x32, 0x4A]) == #"\xc2\x9b2J"#, "C1 CSI is a terminal control too")
        #expect(Self.table([0x66, 0xFF, 0x1B]) == #"f\xff\x1b"#, "not UTF-8: every high byte escaped")
        #expect(Self.table(Array("a\u{202E}b".utf8)) == #"a\u{202e}b"#, "bidi override shown, not obeyed")
    }

    @Test func jsonEscapingFollowsRFC8259() throws {
        let name: [UInt8] = Array("\u{1b}[2J\"evil\"\\\nname".utf8)
        let text = Self.json(name)
        #expect(text == #""\u001b[2J\"evil\"\\\nname""#)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) as? [String]
        #expect(decoded == [String(decoding: name, as: UTF8.self)])
        #expect(Self.json([0x66, 0xFF]) == "\"f\u{FFFD}\"", "JSON must be UTF-8: a bad byte becomes U+FFFD")
    }

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

    @Test func ownerFilterNeedsOneOwnerMatchingEveryList() {
        let owners = [SocketOwner(pid: 10, command: Array("nginx".utf8), uid: 0, user: "root"),
                      SocketOwner(pid: 11, command: Array("a-very-long-process-name".utf8.prefix(15)), uid: 33, user: nil)]
        #expect(OwnerFilter(pids: [10]).matches(owners))
        #expect(!OwnerFilter(pids: [12]).matches(owners))
        #expect(OwnerFilter(commands: [Array("a-very-long-process-name".utf8)]).matches(owners), "compared as the kernel truncates")
        #expect(!OwnerFilter(pids: [10], commands: [Array("a-very-long-process-name".utf8)]).matches(owners))
        #expect(OwnerFilter(pids: [11], commands: [Array("a-very-long-process-name".utf8)]).matches(owners))
        #expect(!OwnerFilter(pids: [10]).matches([]))
    }
}
