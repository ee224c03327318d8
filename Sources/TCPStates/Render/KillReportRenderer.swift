/// What `tcpstates kill` did to one matched socket.
public struct KillOutcome: Sendable {
    public let connection: Connection
    /// nil for a dry run: nothing was asked of the kernel.
    public let result: DestroyResult?

    public init(_ connection: Connection, _ result: DestroyResult?) {
        self.connection = connection
        self.result = result
    }

    /// `killed`, `gone` (ENOENT: it ended on its own first), `failed` or `dry-run`.
    public var word: String {
        switch result {
        case .killed: "killed"
        case .gone: "gone"
        case .failed: "failed"
        case nil: "dry-run"
        }
    }

    /// The errno name of a failure (EOPNOTSUPP, EPERM, ...), else nil.
    public var errorName: String? {
        if case .failed(let code) = result { return ErrnoName.of(code) }
        return nil
    }
}

/// Writes the report of `tcpstates kill`, one row or object per matched
/// socket: the listing's table with a RESULT column first, or the listing's
/// JSON document with `"result"` and `"error"` in each connection.
public enum KillReportRenderer {
    /// RESULT is `killed`, `gone`, `failed:ERRNO` or `dry-run`; then `columns`
    /// (the listing's: STATE, queues, LOCAL, REMOTE, owners when filtered by them).
    public static func table(_ outcomes: [KillOutcome], columns: [TableColumn], showsHeader: Bool,
                             to writer: ByteWriter) throws {
        let results = resultsByConnection(outcomes)
        let result = TableColumn("RESULT") { connection, writer in
            guard let outcome = results[connection] else { return }
            writer.append(outcome.word)
            if let name = outcome.errorName {
                writer.append(UInt8(ascii: ":"))
                writer.append(name)
            }
        }
        try ColumnTable(columns: [result] + columns, showsHeader: showsHeader)
            .render(outcomes.map(\.connection), to: writer)
    }

    /// `{"source": "netlink", "connections": [{..., "result": "killed", "error": null}, ...]}`;
    /// `extraMembers` adds what the listing would (owners).
    public static func json(_ outcomes: [KillOutcome], extraMembers: ((Connection, ByteWriter) -> Void)?,
                            to writer: ByteWriter) throws {
        let results = resultsByConnection(outcomes)
        var renderer = JSONRenderer(writer: writer)
        renderer.extraMembers = { connection, writer in
            extraMembers?(connection, writer)
            guard let outcome = results[connection] else { return }
            writer.append(", \"result\": ")
            writer.append(jsonString: outcome.word)
            writer.append(", \"error\": ")
            if let name = outcome.errorName { writer.append(jsonString: name) } else { writer.append("null") }
        }
        try renderer.begin(source: .netlink)
        for outcome in outcomes { try renderer.add(outcome.connection) }
        try renderer.finish()
    }

    /// The one line for stderr after a kill: counts of each result.
    public static func summary(_ outcomes: [KillOutcome]) -> String {
        let killed = outcomes.count { $0.result == .killed }
        let gone = outcomes.count { $0.result == .gone }
        let failed = outcomes.count { $0.result?.isGone == false }
        var line = "\(killed) killed"
        if gone > 0 { line += ", \(gone) already gone" }
        if failed > 0 { line += ", \(failed) failed" }
        return line + " of \(outcomes.count) matched"
    }

    /// A socket's cookie tells it apart from any other, its endpoints included.
    private static func resultsByConnection(_ outcomes: [KillOutcome]) -> [Connection: KillOutcome] {
        Dictionary(outcomes.map { ($0.connection, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
