/// How owners appear in a table and in JSON.
public enum OwnerColumns {
    /// PROCESS: `pid/command` of each owner, comma-joined as in `netstat -p`,
    /// or `-` for a socket no process holds.
    public static func column(_ table: OwnerTable) -> TableColumn {
        TableColumn("PROCESS", screenPriority: 60, cutPriority: 55) { connection, writer in
            let owners = table.owners(of: connection.inode)
            guard !owners.isEmpty else { return writer.append(UInt8(ascii: "-")) }
            for (index, owner) in owners.enumerated() {
                if index > 0 { writer.append(UInt8(ascii: ",")) }
                writer.append(decimal: UInt64(owner.pid))
                writer.append(UInt8(ascii: "/"))
                writer.append(escaping: owner.command)
            }
        }
    }

    /// `, "process": [{"pid": 1, "command": "sshd", "uid": 0, "user": "root"}, ...]`.
    public static func appendJSON(_ owners: [SocketOwner], to writer: ByteWriter) {
        writer.append(", \"process\": [")
        for (index, owner) in owners.enumerated() {
            writer.append(index == 0 ? "{\"pid\": " : ", {\"pid\": ")
            writer.append(decimal: UInt64(owner.pid))
            writer.append(", \"command\": ")
            writer.append(jsonString: owner.command)
            writer.append(", \"uid\": ")
            writer.append(decimal: UInt64(owner.uid))
            writer.append(", \"user\": ")
            if let user = owner.user { writer.append(jsonString: Array(user.utf8)) } else { writer.append("null") }
            writer.append(UInt8(ascii: "}"))
        }
        writer.append(UInt8(ascii: "]"))
    }
}
