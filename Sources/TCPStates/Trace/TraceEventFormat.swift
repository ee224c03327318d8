/// Where each field of a trace event lies in its binary record, as the
/// event's `format` file in tracefs describes it:
/// `field:int oldstate;	offset:16;	size:4;	signed:1;`
///
/// Offsets are read from the running kernel rather than assumed, so that a
/// kernel that adds or moves a field is read correctly or refused clearly.
public struct TraceEventFormat: Sendable, Equatable {
    /// Byte offset and size of one field.
    public struct Field: Sendable, Equatable {
        public let offset: Int
        public let size: Int
    }

    /// A record fits in a ring-buffer page: larger offsets and sizes are not a kernel's.
    static let maxRecordLength = 65536

    /// The event's numeric id (the record's `common_type`).
    public let id: UInt16
    public let fields: [String: Field]

    /// Parses a `format` file; throws when the id or a field line is malformed.
    public init(parsing text: String) throws(TraceError) {
        var id: UInt16?
        var fields: [String: Field] = [:]
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("ID:") {
                id = UInt16(trimmed.dropFirst(3).trimmingSpaces)
                continue
            }
            guard trimmed.hasPrefix("field:") else { continue }
            // field:TYPE NAME[N];<tab>offset:O;<tab>size:S;<tab>signed:X;
            let parts = trimmed.split(separator: ";").map { $0.drop { $0 == " " || $0 == "\t" } }
            guard parts.count >= 3, parts[1].hasPrefix("offset:"), parts[2].hasPrefix("size:"),
                  let offset = Int(parts[1].dropFirst(7)), let size = Int(parts[2].dropFirst(5)),
                  (0...Self.maxRecordLength).contains(offset), (1...Self.maxRecordLength).contains(size),
                  let declaration = parts[0].split(separator: " ").last
            else { throw TraceError("unreadable field line in the event format: \(line)") }
            let name = declaration.split(separator: "[").first.map(String.init) ?? String(declaration)
            fields[name] = Field(offset: offset, size: size)
        }
        guard let id else { throw TraceError("the event format has no ID line") }
        self.id = id
        self.fields = fields
    }

    /// The field `name`, required to have one of the `sizes`.
    func field(_ name: String, sizes: Set<Int>) throws(TraceError) -> Field {
        guard let field = fields[name], sizes.contains(field.size) else {
            throw TraceError("this kernel's sock:inet_sock_set_state has no field \(name) of size \(sizes.sorted())")
        }
        return field
    }
}

/// Something about tracefs or the trace that stops tracing; the message says what.
public struct TraceError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String
    /// The errno behind it, where there is one.
    public let errno: Int32?

    public init(_ message: String, errno: Int32? = nil) {
        self.message = message
        self.errno = errno
    }

    public var description: String { message }
}
