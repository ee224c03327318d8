// The table and JSON renderers (listing, --processes/--timers/--info
// columns, trace transitions) fed sockets whose outside strings (process
// and user names, the congestion algorithm, a task's command) are hostile:
// any bytes, any length. Every byte must stay inside the room a renderer
// reserved (ASan, and ByteWriter's own check), a table line must hold no
// control character, and JSON must parse. Seeds: Fuzz/seeds/Renderers.
import Foundation
import TCPStates

/// Takes values from the front of the input; zeros once it runs out.
struct InputReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size { value |= T(truncatingIfNeeded: byte()) << (8 * index) }
        return value
    }

    /// A length byte, then that many bytes; a length of 255 takes 2 more length bytes (long strings).
    mutating func text() -> [UInt8] {
        var count = Int(byte())
        if count == 255 { count = Int(integer(UInt16.self)) }
        let end = min(bytes.count, offset + count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }

    /// A pid as the library hands them on: from /proc names and TaskNames, never negative.
    mutating func pid() -> Int32 { integer(Int32.self) & Int32.max }

    mutating func endpoint(ipv6: Bool) -> Endpoint {
        let address = ipv6 ? IPAddress(ipv6High: integer(UInt64.self), low: integer(UInt64.self))
            : IPAddress(ipv4: integer(UInt32.self))
        return Endpoint(address: address, port: integer(UInt16.self))
    }
}

/// Everything written, as one byte array.
func rendered(_ body: (ByteWriter) throws -> Void) -> [UInt8] {
    var output: [UInt8] = []
    let writer = ByteWriter(threshold: 256) { output += $0 }
    do {
        try body(writer)
        try writer.flush()
    } catch {
        preconditionFailure("rendering into memory failed: \(error)")
    }
    return output
}

/// No terminal control reaches a table: C0 (but the newline), DEL, C1.
func checkTable(_ output: [UInt8], lines: Int?, _ what: String) {
    let text = String(decoding: output, as: UTF8.self)
    for scalar in text.unicodeScalars where scalar != "\n" {
        precondition(scalar.value >= 0x20 && !(0x7F...0x9F).contains(scalar.value),
                     "\(what): control character U+\(String(scalar.value, radix: 16)) in the table")
    }
    if let lines { precondition(output.filter { $0 == UInt8(ascii: "\n") }.count == lines, "\(what): lines") }
}

func checkJSON(_ output: [UInt8], _ what: String) {
    precondition((try? JSONSerialization.jsonObject(with: Data(output))) != nil,
                 "\(what): not JSON: \(String(decoding: output, as: UTF8.self))")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRenderers(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = InputReader(bytes: UnsafeRawBufferPointer(start: data, count: size))
    var connections: [Connection] = []
    var owners = OwnerTable()
    var commands: [[UInt8]] = []
    for index in 0..<(Int(input.byte()) % 6 + 1) {
        let flags = input.byte()
        let ipv6 = flags & 1 != 0
        var connection = Connection(
            kernelState: input.byte(), local: input.endpoint(ipv6: ipv6), remote: input.endpoint(ipv6: ipv6),
            recvQueue: input.integer(UInt32.self), sendQueue: input.integer(UInt32.self),
            uid: input.integer(UInt32.self), inode: UInt64(index + 1))
        connection.transport = flags & 2 != 0 ? .udp : .tcp
        if flags & 4 != 0 {
            connection.timer = SocketTimer(kind: input.byte(), expiresMs: input.integer(UInt32.self),
                                           retransmits: input.byte())
        }
        if flags & 8 != 0 {
            let kernel = input.text()
            var info = kernel.withUnsafeBytes { TCPInfo(kernel: $0) }
            info.congestion = input.text()
            connection.tcpInfo = info
        }
        for _ in 0..<Int(flags >> 4 & 3) {
            let command = input.text()
            commands.append(command)
            let user = input.text()
            let process = owners.add(process: SocketOwner(
                pid: input.pid(), command: command, uid: input.integer(UInt32.self),
                user: user.isEmpty ? nil : String(decoding: user, as: UTF8.self)))
            owners.add(inode: connection.inode, process: process)
        }
        connections.append(connection)
    }

    let columns = ([ListingColumn.transport] + ListingColumn.standard + [.timer, .process, .info])
        .map { $0.tableColumn(owners: owners) }
    let table = rendered { try ColumnTable(columns: columns).render(connections, to: $0) }
    checkTable(table, lines: connections.count + 1, "ColumnTable")
    let plain = rendered { writer in
        var renderer = TableRenderer(writer: writer)
        try renderer.begin(source: .netlink)
        for connection in connections { try renderer.add(connection) }
        try renderer.finish()
    }
    checkTable(plain, lines: connections.count + 1, "TableRenderer")
    let json = rendered { writer in
        var renderer = JSONRenderer(writer: writer)
        renderer.extraMembers = JSONMembers([.process, .timer, .tcpInfo]).writer(owners: owners)
        try renderer.begin(source: .netlink)
        for connection in connections { try renderer.add(connection) }
        try renderer.finish()
    }
    checkJSON(json, "JSONRenderer")

    // What `trace` writes, with the same hostile names as task commands.
    let transitions = (commands.isEmpty ? [[]] : commands).map { command in
        StateTransition(
            time: input.integer(UInt64.self) >> 2, local: connections[0].local, remote: connections[0].remote,
            previousState: input.byte(), state: input.byte(),
            stateNanoseconds: input.byte() & 1 == 0 ? nil : input.integer(UInt64.self) >> 2,
            task: TaskName(pid: input.pid(), command: command.isEmpty ? nil : command))
    }
    for format in [TransitionRenderer.Format.text, .json] {
        let output = rendered { writer in
            let renderer = TransitionRenderer(writer: writer, format: format)
            renderer.writeHeader()
            for transition in transitions { try renderer.write(transition) }
        }
        if format == .text {
            checkTable(output, lines: transitions.count + 1, "TransitionRenderer")
        } else {
            for line in output.split(separator: UInt8(ascii: "\n")) { checkJSON(Array(line), "TransitionRenderer") }
        }
    }
    return 0
}
