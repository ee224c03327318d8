/// Holds the whole listing, in `order` when one is given, and hands it to
/// `render` at the end: the one place a listing is collected, for sorting
/// and for the tables whose columns are measured whole. Other renderers
/// stream.
public struct HeldListing: ListingRenderer {
    public let order: ConnectionOrder?
    private let render: (SourceKind, [Connection]) throws -> Void
    private var collector = ConnectionCollector()

    public init(order: ConnectionOrder?, render: @escaping (SourceKind, [Connection]) throws -> Void) {
        self.order = order
        self.render = render
    }

    /// Holds a listing for a streaming renderer, to hand it over in `order`.
    public init(order: ConnectionOrder, into renderer: some ListingRenderer) {
        self.init(order: order) { source, connections in
            var renderer = renderer
            try renderer.begin(source: source)
            for connection in connections { try renderer.add(connection) }
            try renderer.finish()
        }
    }

    public mutating func begin(source: SourceKind) throws { try collector.begin(source: source) }

    public mutating func add(_ connection: Connection) throws { try collector.add(connection) }

    public mutating func finish() throws {
        let source = collector.source ?? .auto
        var connections = collector.connections
        collector = ConnectionCollector()
        order?.sort(&connections)
        try render(source, connections)
    }
}
