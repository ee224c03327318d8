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
///
/// Kept compact for hosts with 100k sockets: each process once, each inode
/// mapped to the index of its first owner; only shared sockets (after fork)
/// need a list.
public struct OwnerTable: Sendable {
    private var processes: [SocketOwner] = []
    private var firstOwner: [UInt64: Int32] = [:]
    private var otherOwners: [UInt64: [Int32]] = [:]
    /// Processes whose sockets could not be read (other users', without root).
    public var deniedProcesses = 0

    public init() {}

    /// The owners of the socket with `inode`, by pid; none for inode 0.
    public func owners(of inode: UInt64) -> [SocketOwner] {
        guard let first = firstOwner[inode] else { return [] }
        guard let others = otherOwners[inode] else { return [processes[Int(first)]] }
        return ([first] + others).map { processes[Int($0)] }.sorted { $0.pid < $1.pid }
    }

    /// Records a process; returns what `add(inode:process:)` takes.
    public mutating func add(process owner: SocketOwner) -> Int32 {
        processes.append(owner)
        return Int32(processes.count - 1)
    }

    /// Records that process `index` holds the socket with `inode` (once however many descriptors).
    public mutating func add(inode: UInt64, process index: Int32) {
        guard inode != 0 else { return }
        guard let first = firstOwner[inode] else {
            firstOwner[inode] = index
            return
        }
        guard first != index, !(otherOwners[inode]?.contains(index) ?? false) else { return }
        otherOwners[inode, default: []].append(index)
    }

    /// Number of sockets with at least one owner.
    public var socketCount: Int { firstOwner.count }
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
