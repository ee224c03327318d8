/// A process holding a socket open: what `--processes` shows.
public struct SocketOwner: Hashable, Sendable {
    public let pid: Int32
    /// The process name (/proc/PID/comm) as raw bytes: anything but NUL, from
    /// the outside world, so it is escaped wherever it is written.
    public let command: [UInt8]
    /// The real uid of the process.
    public let uid: UInt32
    /// The name of `uid`, when the user database has one.
    public let user: String?

    public init(pid: Int32, command: [UInt8], uid: UInt32, user: String?) {
        self.pid = pid
        self.command = command
        self.uid = uid
        self.user = user
    }
}

/// Socket inodes and the processes holding them, from one scan of /proc.
public struct OwnerTable: Sendable {
    private var owners: [UInt64: [SocketOwner]] = [:]
    /// Processes whose sockets could not be read (other users', without root).
    public var deniedProcesses = 0

    public init() {}

    /// The owners of the socket with `inode`, by pid; none for inode 0.
    public func owners(of inode: UInt64) -> [SocketOwner] { owners[inode] ?? [] }

    /// Records that `owner` holds the socket with `inode` (once per process).
    public mutating func add(_ owner: SocketOwner, inode: UInt64) {
        guard inode != 0 else { return }
        var list = owners[inode] ?? []
        guard !list.contains(where: { $0.pid == owner.pid }) else { return }
        list.append(owner)
        list.sort { $0.pid < $1.pid }
        owners[inode] = list
    }

    /// Number of sockets with at least one owner.
    public var socketCount: Int { owners.count }
}

/// Which owners a socket must have: `--pid` and `--command`. A socket passes
/// when one of its owners matches both lists (an empty list matches all).
public struct OwnerFilter: Sendable {
    public var pids: Set<Int32> = []
    /// Process names; a name longer than the kernel's 15 bytes matches its first 15.
    public var commands: [[UInt8]] = []

    public init(pids: Set<Int32> = [], commands: [[UInt8]] = []) {
        self.pids = pids
        self.commands = commands
    }

    public var isEmpty: Bool { pids.isEmpty && commands.isEmpty }

    public func matches(_ owners: [SocketOwner]) -> Bool {
        owners.contains { owner in
            (pids.isEmpty || pids.contains(owner.pid))
                && (commands.isEmpty || commands.contains { Array($0.prefix(15)) == owner.command })
        }
    }
}
