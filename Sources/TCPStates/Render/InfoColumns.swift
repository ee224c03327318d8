/// How TCP internals appear in a table and in JSON.
public enum InfoColumns {
    /// INFO: compact `key:value` pairs in ss -i's words, such as
    /// `cubic rtt:0.025/0.012 cwnd:10 ssthresh:- retrans:0/0 bytes_sent:1000
    /// bytes_acked:1001 bytes_received:2000 delivery_rate:25.7Gbps lastsnd:2792
    /// lastrcv:2792`; `-` for a socket without tcp_info.
    public static var column: TableColumn {
        TableColumn("INFO", screenPriority: 5, cutPriority: 3) { connection, writer in
            guard let info = connection.tcpInfo else { return writer.append(UInt8(ascii: "-")) }
            if let congestion = info.congestion {
                writer.append(escaping: congestion)
                writer.append(UInt8(ascii: " "))
            }
            writer.append("rtt:")
            appendMilliseconds(micros: info.rttMicros, to: writer)
            writer.append(UInt8(ascii: "/"))
            appendMilliseconds(micros: info.rttvarMicros, to: writer)
            writer.append(" cwnd:")
            writer.append(decimal: UInt64(info.cwnd))
            writer.append(" ssthresh:")
            if let ssthresh = info.ssthresh { writer.append(decimal: UInt64(ssthresh)) } else { writer.append("-") }
            writer.append(" retrans:")
            writer.append(decimal: UInt64(info.retransmits))
            writer.append(UInt8(ascii: "/"))
            writer.append(decimal: UInt64(info.totalRetransmits))
            writer.append(" bytes_sent:")
            writer.append(decimal: info.bytesSent)
            writer.append(" bytes_acked:")
            writer.append(decimal: info.bytesAcked)
            writer.append(" bytes_received:")
            writer.append(decimal: info.bytesReceived)
            writer.append(" delivery_rate:")
            appendBitRate(bytesPerSecond: info.deliveryRate, to: writer)
            writer.append(" lastsnd:")
            writer.append(decimal: UInt64(info.lastSendMs))
            writer.append(" lastrcv:")
            writer.append(decimal: UInt64(info.lastReceiveMs))
        }
    }

    /// Microseconds as milliseconds with three decimals: 25 -> `0.025`.
    static func appendMilliseconds(micros: UInt32, to writer: ByteWriter) {
        writer.append(decimal: UInt64(micros / 1000))
        writer.append(UInt8(ascii: "."))
        let fraction = micros % 1000
        if fraction < 100 { writer.append(UInt8(ascii: "0")) }
        if fraction < 10 { writer.append(UInt8(ascii: "0")) }
        writer.append(decimal: UInt64(fraction))
    }

    /// Bits per second with one decimal and a unit, as ss prints rates: `25.7Gbps`.
    static func appendBitRate(bytesPerSecond: UInt64, to writer: ByteWriter) {
        let bits = bytesPerSecond.multipliedReportingOverflow(by: 8)
        let value = bits.overflow ? UInt64.max : bits.partialValue
        let units: [(UInt64, StaticString)] = [(1_000_000_000, "Gbps"), (1_000_000, "Mbps"), (1_000, "Kbps")]
        for (scale, unit) in units where value >= scale {
            writer.append(decimal: value / scale)
            writer.append(UInt8(ascii: "."))
            writer.append(decimal: value % scale * 10 / scale)
            writer.append(unit)
            return
        }
        writer.append(decimal: value)
        writer.append("bps")
    }

    /// `, "tcp_info": {...}` with rtt in ms, counters as numbers, or `null`.
    public static func appendJSON(_ info: TCPInfo?, to writer: ByteWriter) {
        writer.append(", \"tcp_info\": ")
        guard let info else { return writer.append("null") }
        writer.append("{\"rtt_ms\": ")
        appendMilliseconds(micros: info.rttMicros, to: writer)
        writer.append(", \"rttvar_ms\": ")
        appendMilliseconds(micros: info.rttvarMicros, to: writer)
        writer.append(", \"cwnd\": ")
        writer.append(decimal: UInt64(info.cwnd))
        writer.append(", \"ssthresh\": ")
        if let ssthresh = info.ssthresh { writer.append(decimal: UInt64(ssthresh)) } else { writer.append("null") }
        let counters: [(StaticString, UInt64)] = [
            ("retransmits", UInt64(info.retransmits)), ("total_retransmits", UInt64(info.totalRetransmits)),
            ("bytes_sent", info.bytesSent), ("bytes_acked", info.bytesAcked),
            ("bytes_received", info.bytesReceived), ("delivery_rate_bytes_per_sec", info.deliveryRate),
            ("last_send_ms", UInt64(info.lastSendMs)), ("last_receive_ms", UInt64(info.lastReceiveMs)),
        ]
        for (key, value) in counters {
            writer.append(", \"")
            writer.append(key)
            writer.append("\": ")
            writer.append(decimal: value)
        }
        writer.append(", \"congestion\": ")
        if let congestion = info.congestion { writer.append(jsonString: congestion) } else { writer.append("null") }
        writer.append(UInt8(ascii: "}"))
    }
}
