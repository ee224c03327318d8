/// Which network namespace a socket lives in, and what names it for a reader.
public struct NetnsIdentity: Hashable, Sendable {
    /// The nsfs inode: what `ip netns identify`, `lsns` and `net:[N]` links show.
    public var inode: UInt64
    /// Its name under /run/netns, when it has one.
    public var name: String?
    /// A process that holds it (the lowest pid found), nil when only a name holds it.
    public var holderPID: Int32?
    /// The container of the holder, where its cgroup says.
    public var container: ContainerLabel?

    public init(inode: UInt64, name: String? = nil, holderPID: Int32? = nil, container: ContainerLabel? = nil) {
        self.inode = inode
        self.name = name
        self.holderPID = holderPID
        self.container = container
    }

    /// The name if it has one, else `net:[INODE]` (how /proc/PID/ns/net links read).
    public var label: String { name ?? "net:[\(inode)]" }

    /// The label and, where known, the container: `net:[4026532412] docker:0123456789ab`.
    public var text: String {
        guard let container else { return label }
        return label + " " + container.text
    }
}
