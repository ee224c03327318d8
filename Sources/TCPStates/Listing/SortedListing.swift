/// Holds the whole listing, then hands it to `renderer` in `order`: the one
/// place a listing is collected to be sorted. Renderers themselves stream.
public struct SortedListing<Renderer: ListingRenderer>: ListingRenderer {
    public private(set) var renderer: Renderer
    public let order: ConnectionOrder
    private var collector = ConnectionCollector()

    public init(_ renderer: Renderer, order: ConnectionOrder) {
        self.renderer = renderer
        self.order = order
    }

    public mutating func begin(source: SourceKind) throws { try collector.begin(source: source) }

    public mutating func add(_ connection: Connection) throws { try collector.add(connection) }

    public mutating func finish() throws {
        let source = collector.source ?? .auto
        var connections = collector.connections
        collector = ConnectionCollector()
        order.sort(&connections)
        try renderer.begin(source: source)
        for connection in connections { try renderer.add(connection) }
        try renderer.finish()
    }
}
