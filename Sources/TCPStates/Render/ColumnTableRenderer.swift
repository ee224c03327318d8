/// The `ColumnTable` as a listing renderer: its columns are as wide as
/// their widest value, so it holds the listing and writes it at the end.
public struct ColumnTableRenderer: ListingRenderer {
    private let table: ColumnTable
    private let writer: ByteWriter
    private var collector = ConnectionCollector()

    public init(_ table: ColumnTable, writer: ByteWriter) {
        self.table = table
        self.writer = writer
    }

    public mutating func begin(source: SourceKind) throws { try collector.begin(source: source) }

    public mutating func add(_ connection: Connection) throws { try collector.add(connection) }

    public mutating func finish() throws {
        try table.render(collector.connections, to: writer)
        collector = ConnectionCollector()
    }
}
