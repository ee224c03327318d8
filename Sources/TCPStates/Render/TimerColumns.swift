/// How timers appear in a table and in JSON.
public enum TimerColumns {
    /// TIMER: `kind,time-left,retransmits` as in ss's `timer:(...)`, such as
    /// `time_wait,59.2s,0` or `keepalive,7199.9s,0`; `-` when none is armed.
    public static var column: TableColumn { TableColumn("TIMER", screenPriority: 15, cutPriority: 12) { connection, writer in
        guard let timer = connection.timer else { return writer.append(UInt8(ascii: "-")) }
        writer.append(timer.name)
        writer.append(UInt8(ascii: ","))
        appendDuration(milliseconds: UInt64(timer.expiresMs), to: writer)
        writer.append(UInt8(ascii: ","))
        writer.append(decimal: UInt64(timer.retransmits))
    } }

    /// `123ms` below a second, else seconds with tenths: `59.2s`.
    static func appendDuration(milliseconds: UInt64, to writer: ByteWriter) {
        if milliseconds < 1000 {
            writer.append(decimal: milliseconds)
            writer.append("ms")
            return
        }
        writer.append(decimal: milliseconds / 1000)
        writer.append(UInt8(ascii: "."))
        writer.append(decimal: milliseconds % 1000 / 100)
        writer.append(UInt8(ascii: "s"))
    }

    /// `, "timer": {"kind": "time_wait", "expires_ms": 59213, "retransmits": 0}`, or `null`.
    public static func appendJSON(_ timer: SocketTimer?, to writer: ByteWriter) {
        writer.append(", \"timer\": ")
        guard let timer else { return writer.append("null") }
        writer.append("{\"kind\": \"")
        writer.append(timer.name)
        writer.append("\", \"expires_ms\": ")
        writer.append(decimal: UInt64(timer.expiresMs))
        writer.append(", \"retransmits\": ")
        writer.append(decimal: UInt64(timer.retransmits))
        writer.append(UInt8(ascii: "}"))
    }
}
