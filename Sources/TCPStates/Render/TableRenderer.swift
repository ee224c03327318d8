/// Writes connections as an aligned table:
/// `STATE  RECV-Q  SEND-Q  LOCAL  REMOTE`.
///
/// Column widths come from the data, so every row is formatted once into an
/// arena first and the widths measured there.
public struct TableRenderer {
    public var showsHeader = true

    public init(showsHeader: Bool = true) { self.showsHeader = showsHeader }

    public func render(_ connections: [Connection], to writer: ByteWriter) throws {
        let header: [StaticString] = ["STATE", "RECV-Q", "SEND-Q", "LOCAL", "REMOTE"]
        var stateWidth = 5, recvWidth = 6, sendWidth = 6, localWidth = 5
        // Endpoint texts, local then remote for each row; ends[2i] ends row i's local.
        let arena = ByteWriter(threshold: .max) { _ in }
        var ends: [Int] = []
        ends.reserveCapacity(connections.count * 2)
        var names: [String] = []
        for connection in connections {
            let start = arena.bytes.count
            arena.append(endpoint: connection.local)
            ends.append(arena.bytes.count)
            localWidth = max(localWidth, arena.bytes.count - start)
            arena.append(endpoint: connection.remote)
            ends.append(arena.bytes.count)
            if connection.state == nil { names.append(stateName(kernel: connection.kernelState)) }
            stateWidth = max(stateWidth, connection.state?.name.utf8.count ?? names.last!.utf8.count)
            recvWidth = max(recvWidth, decimalWidth(UInt64(connection.recvQueue)))
            sendWidth = max(sendWidth, decimalWidth(UInt64(connection.sendQueue)))
        }
        if showsHeader {
            writer.append(header[0]); writer.appendSpaces(stateWidth - 5 + 2)
            writer.appendSpaces(recvWidth - 6); writer.append(header[1]); writer.appendSpaces(2)
            writer.appendSpaces(sendWidth - 6); writer.append(header[2]); writer.appendSpaces(2)
            writer.append(header[3]); writer.appendSpaces(localWidth - 5 + 2)
            writer.append(header[4]); writer.append(UInt8(ascii: "\n"))
        }
        var unknownIndex = 0
        try arena.bytes.withUnsafeBytes { text in
            var start = 0
            for (row, connection) in connections.enumerated() {
                let name: String
                if let state = connection.state {
                    name = state.name
                } else {
                    name = names[unknownIndex]
                    unknownIndex += 1
                }
                writer.append(name)
                writer.appendSpaces(stateWidth - name.utf8.count + 2)
                writer.appendSpaces(recvWidth - decimalWidth(UInt64(connection.recvQueue)))
                writer.append(decimal: UInt64(connection.recvQueue))
                writer.appendSpaces(2 + sendWidth - decimalWidth(UInt64(connection.sendQueue)))
                writer.append(decimal: UInt64(connection.sendQueue))
                writer.appendSpaces(2)
                let localEnd = ends[2 * row], remoteEnd = ends[2 * row + 1]
                writer.append(UnsafeRawBufferPointer(rebasing: text[start..<localEnd]))
                writer.appendSpaces(localWidth - (localEnd - start) + 2)
                writer.append(UnsafeRawBufferPointer(rebasing: text[localEnd..<remoteEnd]))
                writer.append(UInt8(ascii: "\n"))
                start = remoteEnd
                try writer.flushIfFull()
            }
        }
    }
}
