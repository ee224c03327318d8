import Foundation
@testable import TCPStates

/// Reads the captured fixtures beside these tests.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    /// The dumps of a capture of several, each ending at its NLMSG_DONE, each
    /// in storage of its own (a replayed reply starts where a recv's would).
    static func netlinkDumps(_ name: String) throws -> [[UInt8]] {
        let stream = try bytes(name)
        var dumps: [[UInt8]] = []
        var offset = 0
        stream.withUnsafeBytes { raw in
            while offset < raw.count {
                // Find the end of this dump: the message after NLMSG_DONE.
                var end = offset
                while end + 16 <= raw.count {
                    let length = Int(raw.loadUnaligned(fromByteOffset: end, as: UInt32.self))
                    let type = raw.loadUnaligned(fromByteOffset: end + 4, as: UInt16.self)
                    end += (length + 3) & ~3
                    if type == 3 { break }
                }
                dumps.append(Array(raw[offset..<min(end, raw.count)]))
                offset = end
            }
        }
        return dumps
    }

    /// Decodes a capture of several dumps.
    static func decodeNetlink(_ name: String, transport: TransportProtocol = .tcp) throws -> [Connection] {
        var connections: [Connection] = []
        for dump in try netlinkDumps(name) {
            let progress = try dump.withUnsafeBytes { aligned in
                try InetDiagDecoder.decode(aligned, transport: transport) { connections.append($0) }
            }
            precondition(progress == .done, "capture \(name) has a dump without NLMSG_DONE")
        }
        return connections
    }

    /// ss -tanoiH's blocks: `LOCAL REMOTE` -> the socket line and its info line.
    static func ssInfoBlocks() throws -> [String: (line: String, info: String)] {
        var blocks: [String: (line: String, info: String)] = [:]
        var key = ""
        for line in try text("ss-tanoiH.txt").split(separator: "\n") {
            if line.hasPrefix("\t") {
                blocks[key]?.info = String(line)
            } else {
                let fields = line.split(separator: " ")
                key = "\(fields[3]) \(fields[4].replacingOccurrences(of: ":*", with: ":0"))"
                blocks[key] = (String(line), "")
            }
        }
        return blocks
    }

    /// A socket's key in `ssInfoBlocks`: `LOCAL REMOTE`.
    static func ssKey(_ c: Connection) -> String { "\(SocketKey.text(c.local)) \(SocketKey.text(c.remote))" }

    /// The value of `name:` in ss's info line.
    static func ssValue(_ name: String, in info: String) -> String? {
        info.split(separator: " ").first { $0.hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)) }
    }

    /// Parses a /proc/net/tcp capture; returns the sockets and the numbers of rejected lines.
    static func parseProc(_ text: String, family: AddressFamily) -> (connections: [Connection], rejected: [Int]) {
        var connections: [Connection] = []
        var rejected: [Int] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.isEmpty else { continue }
            var bytes = Array(line.utf8)
            bytes.withUnsafeMutableBytes { raw in
                do {
                    if let c = try ProcNetTCPParser.parse(line: UnsafeRawBufferPointer(raw), family: family) {
                        connections.append(c)
                    }
                } catch {
                    rejected.append(index + 1)
                }
            }
        }
        return (connections, rejected)
    }
}

/// A socket as three tools can agree on it: state name and both endpoints in text.
struct SocketKey: Hashable, CustomStringConvertible {
    var state: String
    var local: String
    var remote: String

    init(state: String, local: String, remote: String) {
        self.state = state
        self.local = local
        self.remote = remote
    }

    init(_ c: Connection) {
        state = stateName(kernel: c.kernelState)
        local = Self.text(c.local)
        remote = Self.text(c.remote)
    }

    static func text(_ endpoint: Endpoint) -> String {
        let writer = ByteWriter(threshold: .max) { _ in }
        writer.append(endpoint: endpoint)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    var description: String { "\(state) \(local) \(remote)" }
}

/// A literal address; a typo in a test is a crash there, not a pass.
func ip(_ text: String) -> IPAddress { IPAddress(parsing: text)! }

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
