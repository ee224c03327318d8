import TCPStates

/// Counts the filtered sockets and writes the counts as a table, JSON or
/// Prometheus text.
struct SummaryReport {
    let filter: ConnectionFilter
    let source: SourceKind
    let procNetDirectory: String
    let format: OutputFormat
    let byPort: Bool
    let showsHeader: Bool

    func run(to writer: ByteWriter) throws {
        var kind = source
        var labeling: PortLabeling?
        if byPort || format == .prometheus {
            let (ports, used) = try listenerPorts()
            labeling = PortLabeling(listenerPorts: ports, filter: filter)
            // After a fallback, the counting reads /proc straight away, without a second notice.
            kind = used
        }
        var summary = StateSummary(filter: filter, ports: labeling)
        try lister(filter, kind).list(into: &summary)
        switch format {
        case .table: try SummaryTableRenderer(showsHeader: showsHeader, byPort: byPort).render(summary, to: writer)
        case .json: try SummaryJSONRenderer(byPort: byPort).render(summary, to: writer)
        case .prometheus: try PrometheusRenderer().render(summary, to: writer)
        }
        try writer.flush()
    }

    /// The local ports of every listener, whatever the filter: the sockets
    /// on them are counted under them even when the listeners are filtered out.
    private func listenerPorts() throws -> (Set<UInt16>, SourceKind) {
        var listeners = ConnectionFilter()
        listeners.states = StateSet([.listen])
        listeners.includesUnknownStates = false
        var collector = ConnectionCollector()
        let used = try lister(listeners, source).list(into: &collector)
        return (Set(collector.connections.map(\.local.port)), used)
    }

    private func lister(_ filter: ConnectionFilter, _ kind: SourceKind) -> ConnectionLister {
        var lister = ConnectionLister(filter: filter, kind: kind)
        lister.procNetDirectory = procNetDirectory
        lister.notice = { Terminal.warning($0) }
        return lister
    }
}
