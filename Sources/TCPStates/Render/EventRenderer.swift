/// Writes watch events as NDJSON, one object a line:
///
///     {"event": "change", "time": "2026-11-25T18:29:14.123Z", "state": "FIN_WAIT_2",
///      "previous_state": "ESTABLISHED", "state_ms": 1523, "family": "ipv4",
///      "local": {...}, "remote": {...}}
///
/// `previous_state` and `state_ms` appear on `change` and `close` only, null
/// where unknown. Lost destroy events are one line of their own:
///
///     {"event": "lost", "time": "...", "what": "destroy-events", "count": null}
///
/// The caller flushes the writer when a batch is complete.
public struct EventRenderer {
    private let writer: ByteWriter
    /// Appends `, "key": value` members after the standard ones, as `--json` does (owners, timer, tcp_info).
    public var extraMembers: ((Connection, ByteWriter) -> Void)?

    public init(writer: ByteWriter) { self.writer = writer }

    public func write(_ event: WatchEvent) throws {
        writer.append("{\"event\": \"")
        writer.append(event.kind.rawValue)
        writer.append("\", \"time\": \"")
        writer.append(rfc3339Milliseconds: event.time.wallMilliseconds)
        writer.append("\", \"state\": \"")
        writer.append(event.stateName)
        writer.append("\", ")
        if event.kind == .change || event.kind == .close {
            writer.append("\"previous_state\": ")
            if let previous = event.previousStateName {
                writer.append(UInt8(ascii: "\""))
                writer.append(previous)
                writer.append(UInt8(ascii: "\""))
            } else {
                writer.append("null")
            }
            writer.append(", \"state_ms\": ")
            if let ms = event.previousStateMilliseconds {
                writer.append(decimal: UInt64(max(0, ms)))
            } else {
                writer.append("null")
            }
            writer.append(", ")
        }
        writer.append(event.connection.transport == .tcp ? "\"protocol\": \"tcp\", " : "\"protocol\": \"udp\", ")
        writer.appendJSONIdentity(event.connection)
        extraMembers?(event.connection, writer)
        writer.append("}\n")
        try writer.flushIfFull()
    }

    public func write(_ loss: WatchLoss) throws {
        writer.append("{\"event\": \"lost\", \"time\": \"")
        writer.append(rfc3339Milliseconds: loss.time.wallMilliseconds)
        writer.append("\", \"what\": \"")
        writer.append(loss.what.rawValue)
        writer.append("\", \"count\": ")
        if let count = loss.count { writer.append(decimal: UInt64(max(0, count))) } else { writer.append("null") }
        writer.append("}\n")
        try writer.flushIfFull()
    }
}
