/// Counts a listing, then writes the counts as a table, JSON or Prometheus
/// text: a summary is a listing renderer like the others.
public struct SummaryRenderer: ListingRenderer {
    public private(set) var summary: StateSummary
    private let format: SummaryFormat
    private let byPort: Bool
    private let showsHeader: Bool
    private let writer: ByteWriter

    public init(_ summary: StateSummary, format: SummaryFormat, byPort: Bool, showsHeader: Bool, writer: ByteWriter) {
        self.summary = summary
        self.format = format
        self.byPort = byPort
        self.showsHeader = showsHeader
        self.writer = writer
    }

    public mutating func begin(source: SourceKind) throws { try summary.begin(source: source) }

    public mutating func add(_ connection: Connection) throws { try summary.add(connection) }

    public mutating func finish() throws {
        switch format {
        case .table: try SummaryTableRenderer(showsHeader: showsHeader, byPort: byPort).render(summary, to: writer)
        case .json: try SummaryJSONRenderer(byPort: byPort).render(summary, to: writer)
        case .prometheus: try PrometheusRenderer().render(summary, to: writer)
        }
    }

    /// Writes several namespaces' summaries, each labelled with its namespace.
    public static func render(
        _ summaries: [(namespace: NetnsIdentity, summary: StateSummary)], format: SummaryFormat, byPort: Bool,
        showsHeader: Bool, to writer: ByteWriter
    ) throws {
        switch format {
        case .table: try SummaryTableRenderer(showsHeader: showsHeader, byPort: byPort).render(namespaces: summaries, to: writer)
        case .json: try SummaryJSONRenderer(byPort: byPort).render(namespaces: summaries, to: writer)
        case .prometheus: try PrometheusRenderer().render(namespaces: summaries, to: writer)
        }
    }
}
