/// The kernel-side part of a filter, in the event filter language of
/// tracefs (Documentation/trace/events.rst): only TCP, and the port and
/// family conditions, so the kernel drops unwanted changes before they reach
/// the ring buffer. States and addresses are filtered in user space: a
/// socket's every change must be seen to time its states.
public enum TraceFilterExpression {
    /// `protocol == 6`, AND-ed with one clause per port list and the family.
    public static func make(_ filter: ConnectionFilter) -> String {
        var clauses = ["protocol == 6"]
        if filter.families.count == 1, let family = filter.families.first {
            clauses.append("family == \(family.rawValue)")
        }
        func add(_ ports: PortRanges?, _ fields: [String]) {
            guard let ports, !ports.coversEverything else { return }
            let atoms = fields.flatMap { field in ports.ranges.map { condition(field, $0) } }
            clauses.append(atoms.count == 1 ? atoms[0] : "(" + atoms.joined(separator: " || ") + ")")
        }
        add(filter.ports, ["sport", "dport"])
        add(filter.localPorts, ["sport"])
        add(filter.remotePorts, ["dport"])
        return clauses.joined(separator: " && ")
    }

    private static func condition(_ field: String, _ range: PortRange) -> String {
        range.lower == range.upper
            ? "\(field) == \(range.lower)"
            : "(\(field) >= \(range.lower) && \(field) <= \(range.upper))"
    }
}
