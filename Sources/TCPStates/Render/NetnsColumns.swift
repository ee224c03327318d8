/// How a socket's network namespace appears in a table, in JSON and in
/// Prometheus labels. Namespace names are file names under /run/netns, so
/// they are escaped like any outside text.
public enum NetnsColumns {
    /// NETNS: the name, else `net:[INODE]`, then the container where known
    /// (`net:[4026532412] docker:0123456789ab`); `-` for a namespace not in `namespaces`.
    public static func column(_ namespaces: [UInt64: NetnsIdentity]) -> TableColumn {
        // On a narrow watch screen it stays after LOCAL and REMOTE; a long label is cut before it goes.
        TableColumn("NETNS", screenPriority: 70, cutPriority: 65) { connection, writer in
            guard let identity = namespaces[connection.netnsInode] else { return writer.append(UInt8(ascii: "-")) }
            appendText(identity, to: writer)
        }
    }

    /// The column's text for one namespace, escaped for a terminal.
    public static func appendText(_ identity: NetnsIdentity, to writer: ByteWriter) {
        if let name = identity.name {
            writer.append(escaping: Array(name.utf8))
        } else {
            writer.append("net:[")
            writer.append(decimal: identity.inode)
            writer.append(UInt8(ascii: "]"))
        }
        // Container ids and pod UIDs are checked hex when parsed: nothing to escape.
        if let container = identity.container {
            writer.append(UInt8(ascii: " "))
            writer.append(container.text)
        }
    }

    /// `, "netns": {"inode": N, "name": "blue" or null, "pid": N or null,
    /// "container": {"runtime": "docker" or null, "id": "...", "pod": "UID" or null} or null}`.
    public static func appendJSON(_ identity: NetnsIdentity?, to writer: ByteWriter) {
        writer.append(", \"netns\": ")
        guard let identity else { return writer.append("null") }
        writer.append("{\"inode\": ")
        writer.append(decimal: identity.inode)
        writer.append(", \"name\": ")
        if let name = identity.name { writer.append(jsonString: Array(name.utf8)) } else { writer.append("null") }
        writer.append(", \"pid\": ")
        if let pid = identity.holderPID { writer.append(decimal: UInt64(pid)) } else { writer.append("null") }
        writer.append(", \"container\": ")
        if let container = identity.container {
            writer.append("{\"runtime\": ")
            if let runtime = container.runtime { writer.append(jsonString: Array(runtime.rawValue.utf8)) } else { writer.append("null") }
            writer.append(", \"id\": ")
            writer.append(jsonString: Array(container.id.utf8))
            writer.append(", \"pod\": ")
            if let pod = container.podUID { writer.append(jsonString: Array(pod.utf8)) } else { writer.append("null") }
            writer.append(UInt8(ascii: "}"))
        } else {
            writer.append("null")
        }
        writer.append(UInt8(ascii: "}"))
    }

    /// The value of a Prometheus `netns` label: the name, else the inode. One
    /// series per namespace, never per container or holder, so the label's
    /// values stay as few as the namespaces. Escaped per the text format
    /// (backslash, double quote, newline).
    public static func prometheusLabel(_ identity: NetnsIdentity) -> String {
        guard let name = identity.name else { return String(identity.inode) }
        var label = ""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\\": label += "\\\\"
            case "\"": label += "\\\""
            case "\n": label += "\\n"
            default: label.unicodeScalars.append(scalar)
            }
        }
        return label
    }
}
