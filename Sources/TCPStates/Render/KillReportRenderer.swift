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
            guard let outcome = results[connection.cookie] else { return }
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
            guard let outcome = results[connection.cookie] else { return }
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

    /// The outcome of each socket by its cookie, which tells it apart from
    /// any other (cheaper to hash than the whole Connection).
    private static func resultsByConnection(_ outcomes: [KillOutcome]) -> [UInt64: KillOutcome] {
        Dictionary(outcomes.map { ($0.connection.cookie, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// The report of `tcpstates kill` laid out as the plan's listing would be:
/// its columns (PROCESS when filtered by owners, NETNS over several
/// namespaces) or its JSON members.
public struct KillReport {
    private let columns: [TableColumn]
    private let jsonMembers: ((Connection, ByteWriter) -> Void)?
    private let writesJSON: Bool
    private let showsHeader: Bool

    /// `owners` fills the PROCESS column and the `process` members;
    /// `namespaces` (by inode) the NETNS column and the `netns` members of a
    /// plan over several namespaces.
    public init(plan: ListingPlan, owners: OwnerTable?, namespaces: [UInt64: NetnsIdentity] = [:]) {
        var listed = ListingColumn.standard
        var members: JSONMembers = []
        switch plan.renderer {
        case .columnTable(let columns): listed = columns
        case .json(let chosen): members = chosen
        case .streamingTable, .summary: break
        }
        columns = listed.map { $0.tableColumn(owners: owners, namespaces: namespaces) }
        jsonMembers = members.writer(owners: owners, namespaces: namespaces)
        writesJSON = if case .json = plan.renderer { true } else { false }
        showsHeader = plan.showsHeader
    }

    /// The report proper: a row or object per outcome (nothing for no row
    /// in a table, an empty document in JSON).
    public func write(_ outcomes: [KillOutcome], to writer: ByteWriter) throws {
        if writesJSON {
            try KillReportRenderer.json(outcomes, extraMembers: jsonMembers, to: writer)
        } else if !outcomes.isEmpty {
            try KillReportRenderer.table(outcomes, columns: columns, showsHeader: showsHeader, to: writer)
        }
        try writer.flush()
    }

    /// The sockets about to be killed, as the listing's table, for the question.
    public func writeCandidates(_ connections: [Connection], to writer: ByteWriter) throws {
        try ColumnTable(columns: columns).render(connections, to: writer)
        try writer.flush()
    }
}
