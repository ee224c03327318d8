import Testing
@testable import TCPStates

@Suite struct NetnsColumnsTests {
    static func written(_ body: (ByteWriter) -> Void) -> String {
        let writer = ByteWriter(threshold: .max) { _ in }
        body(writer)
        return writer.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    @Test("a name from /run/netns is escaped in the table, JSON and Prometheus; ids need nothing")
    func outsideNamesAreEscaped() {
        let hostile = NetnsIdentity(inode: 4026532412, name: "a\u{1B}[2J\"b\\\n", holderPID: 7)
        #expect(Self.written { NetnsColumns.appendText(hostile, to: $0) } == "a\\x1b[2J\"b\\\\\\n")
        #expect(Self.written { NetnsColumns.appendJSON(hostile, to: $0) }
                == #", "netns": {"inode": 4026532412, "name": "a\u001b[2J\"b\\\n", "pid": 7, "container": null}"#)
        #expect(NetnsColumns.prometheusLabel(hostile) == #"a\#u{1B}[2J\"b\\\n"#)
    }

    @Test("unnamed: net:[INODE] in the table, the inode as the Prometheus label, the container after")
    func unnamed() {
        let pod = ContainerLabel(runtime: .containerd, id: String(repeating: "0123456789abcdef", count: 4),
                                 podUID: "03f3f104-3215-44f2-9686-d4dd1f05a7ed")
        let identity = NetnsIdentity(inode: 4026532460, holderPID: 812, container: pod)
        #expect(Self.written { NetnsColumns.appendText(identity, to: $0) }
                == "net:[4026532460] pod:03f3f104-3215-44f2-9686-d4dd1f05a7ed")
        #expect(NetnsColumns.prometheusLabel(identity) == "4026532460")
        #expect(Self.written { NetnsColumns.appendJSON(identity, to: $0) }.hasSuffix(
            #""container": {"runtime": "containerd", "id": "\#(pod.id)", "pod": "03f3f104-3215-44f2-9686-d4dd1f05a7ed"}}"#))
        #expect(Self.written { NetnsColumns.appendJSON(nil, to: $0) } == #", "netns": null"#)
    }
}
