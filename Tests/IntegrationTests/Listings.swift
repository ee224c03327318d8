import Foundation

/// tcpstates' `--json` document.
struct JSONListing: Decodable, Sendable {
    struct Address: Decodable, Sendable {
        let address: String
        let port: Int
        var endpoint: Endpoint { Endpoint(address: address, port: port) }
    }

    struct Connection: Decodable, Sendable {
        let family: String
        let state: String
        let kernelState: Int
        let local: Address
        let remote: Address
        let recvQ: Int
        let sendQ: Int
        let uid: Int
        let inode: Int

        enum CodingKeys: String, CodingKey {
            case family, state, local, remote, uid, inode
            case kernelState = "kernel_state"
            case recvQ = "recv_q"
            case sendQ = "send_q"
        }

        var record: SocketRecord { SocketRecord(state: state, local: local.endpoint, remote: remote.endpoint) }
    }

    let source: String
    let connections: [Connection]

    var records: [SocketRecord] { connections.map(\.record) }

    static func parse(_ result: CommandResult) throws -> JSONListing {
        do {
            return try JSONDecoder().decode(JSONListing.self, from: Data(result.stdout.utf8))
        } catch {
            throw SubprocessError(description: "not a tcpstates JSON document (\(error))\n\(result)")
        }
    }
}

/// One row of a text table (tcpstates' or ss's): a record and its queues.
struct TableRow: Hashable, Sendable, CustomStringConvertible {
    let record: SocketRecord
    let recvQ: Int
    let sendQ: Int

    var description: String { "\(record) recv-q=\(recvQ) send-q=\(sendQ)" }
}

/// tcpstates' default table: `STATE RECV-Q SEND-Q LOCAL REMOTE`.
enum TextTable {
    static let header = ["STATE", "RECV-Q", "SEND-Q", "LOCAL", "REMOTE"]

    /// The rows, or a message saying what is wrong with the table.
    static func parse(_ text: String, hasHeader: Bool = true) -> Result<[TableRow], SubprocessError> {
        var lines = text.split(separator: "\n").map(String.init)
        if hasHeader {
            guard let first = lines.first, first.split(separator: " ").map(String.init) == header else {
                return .failure(SubprocessError(description: "first line is not the header \(header):\n\(text)"))
            }
            if let problem = misalignment(lines) { return .failure(SubprocessError(description: problem)) }
            lines.removeFirst()
        }
        var rows: [TableRow] = []
        for line in lines {
            let fields = line.split(separator: " ")
            guard fields.count == 5, let recvQ = Int(fields[1]), let sendQ = Int(fields[2]),
                  let local = Endpoint(parsing: fields[3]), let remote = Endpoint(parsing: fields[4])
            else { return .failure(SubprocessError(description: "unparsable table row: \(line)")) }
            rows.append(TableRow(record: SocketRecord(state: String(fields[0]), local: local, remote: remote),
                                 recvQ: recvQ, sendQ: sendQ))
        }
        return .success(rows)
    }

    /// Columns are aligned when, in each column, every cell (header included)
    /// starts at the same offset or every cell ends at the same offset.
    static func misalignment(_ lines: [String]) -> String? {
        let spans = lines.map(cellSpans)
        guard spans.allSatisfy({ $0.count == header.count }) else {
            return "rows do not all have \(header.count) columns:\n" + lines.joined(separator: "\n")
        }
        for column in header.indices {
            let starts = Set(spans.map { $0[column].lowerBound })
            let ends = Set(spans.map { $0[column].upperBound })
            if starts.count != 1 && ends.count != 1 {
                return "column \(header[column]) is not aligned:\n" + lines.joined(separator: "\n")
            }
        }
        return nil
    }

    private static func cellSpans(_ line: String) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var start: Int?
        for (offset, character) in line.enumerated() {
            if character == " " {
                if let s = start { spans.append(s..<offset); start = nil }
            } else if start == nil {
                start = offset
            }
        }
        if let s = start { spans.append(s..<line.count) }
        return spans
    }
}

/// `ss -tanH` output in tcpstates' spelling.
enum SSListing {
    static let stateNames: [String: String] = [
        "LISTEN": "LISTEN", "ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RCVD",
        "FIN-WAIT-1": "FIN_WAIT_1", "FIN-WAIT-2": "FIN_WAIT_2", "CLOSE-WAIT": "CLOSE_WAIT",
        "CLOSING": "CLOSING", "LAST-ACK": "LAST_ACK", "TIME-WAIT": "TIME_WAIT", "UNCONN": "CLOSED",
    ]

    static func parse(_ text: String) -> Result<[TableRow], SubprocessError> {
        var rows: [TableRow] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 5, let state = stateNames[String(fields[0])],
                  let recvQ = Int(fields[1]), let sendQ = Int(fields[2]),
                  let local = endpoint(fields[3]), let remote = endpoint(fields[4])
            else { return .failure(SubprocessError(description: "unparsable ss row: \(line)")) }
            rows.append(TableRow(record: SocketRecord(state: state, local: local, remote: remote),
                                 recvQ: recvQ, sendQ: sendQ))
        }
        return .success(rows)
    }

    /// ss prints an unset port as `*` (`0.0.0.0:*`, `[::]:*`) and a wildcard
    /// IPv6 address as `*`.
    private static func endpoint(_ field: Substring) -> Endpoint? {
        var text = String(field)
        if text.hasPrefix("*:") { text = "[::]" + text.dropFirst() }
        if text.hasSuffix(":*") { text = text.dropLast() + "0" }
        return Endpoint(parsing: text)
    }
}
