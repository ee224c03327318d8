#if canImport(Glibc)
import Glibc
#endif

/// Finds the processes that hold sockets: reads every /proc/PID/fd once and
/// keeps the links that are `socket:[INODE]`. The only code that reads /proc/PID.
public struct ProcessScanner {
    /// Where procfs is mounted (a copy of it in tests).
    public var procDirectory = "/proc"
    /// When set, only processes in the network namespace with this inode
    /// (of /proc/PID/ns/net) are searched.
    public var networkNamespace: UInt64?

    public init() {}

    /// The inode of this thread's network namespace (after any setns).
    public static func currentNetworkNamespace() -> UInt64? {
        var info = stat()
        guard stat("/proc/thread-self/ns/net", &info) == 0 else { return nil }
        return UInt64(info.st_ino)
    }

    /// Scans every process; what cannot be read is counted in `deniedProcesses`.
    public func scan() throws(SourceError) -> OwnerTable {
        guard let proc = opendir(procDirectory) else {
            throw SourceError.system("cannot read \(procDirectory)", errno)
        }
        defer { closedir(proc) }
        let procFD = dirfd(proc)
        var table = OwnerTable()
        var users = UserNames()
        while let entry = readdir(proc) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = Int32(name), pid > 0 else { continue }
            let pidFD = openat(procFD, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard pidFD >= 0 else { continue }  // the process ended meanwhile
            defer { close(pidFD) }
            if let networkNamespace {
                var info = stat()
                guard fstatat(pidFD, "ns/net", &info, 0) == 0 else {
                    if errno == EACCES || errno == EPERM { table.deniedProcesses += 1 }
                    continue
                }
                guard UInt64(info.st_ino) == networkNamespace else { continue }
            }
            let inodes = socketInodes(pidFD: pidFD, denied: &table.deniedProcesses)
            guard !inodes.isEmpty else { continue }
            var info = stat()
            let uid = fstat(pidFD, &info) == 0 ? UInt32(info.st_uid) : UInt32.max
            let owner = SocketOwner(pid: pid, command: command(pidFD: pidFD), uid: uid, user: users.name(of: uid))
            let index = table.add(process: owner)
            for inode in inodes { table.add(inode: inode, process: index) }
        }
        return table
    }

    /// The inodes of the sockets among the process's descriptors.
    private func socketInodes(pidFD: Int32, denied: inout Int) -> [UInt64] {
        let fdFD = openat(pidFD, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fdFD >= 0 else {
            if errno == EACCES || errno == EPERM { denied += 1 }
            return []
        }
        guard let directory = fdopendir(fdFD) else {
            close(fdFD)
            return []
        }
        defer { closedir(directory) }
        var inodes: [UInt64] = []
        var link = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while let entry = readdir(directory) {
            guard entry.pointee.d_type == DT_LNK else { continue }
            let inode = withUnsafeMutableBytes(of: &link) { buffer -> UInt64? in
                let count = withUnsafeBytes(of: entry.pointee.d_name) { name in
                    readlinkat(fdFD, name.baseAddress!.assumingMemoryBound(to: CChar.self),
                               buffer.baseAddress!.assumingMemoryBound(to: CChar.self), buffer.count)
                }
                guard count > 0 else { return nil }
                return Self.socketInode(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            }
            if let inode { inodes.append(inode) }
        }
        return inodes
    }

    /// The inode of a `socket:[12345]` link target, nil for anything else.
    static func socketInode(_ target: UnsafeRawBufferPointer) -> UInt64? {
        let prefix: [UInt8] = Array("socket:[".utf8)
        guard target.count > prefix.count + 1, target.prefix(prefix.count).elementsEqual(prefix),
              target.last == UInt8(ascii: "]")
        else { return nil }
        var value: UInt64 = 0
        for byte in target[prefix.count..<target.count - 1] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), value < UInt64.max / 10 else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// /proc/PID/comm without the newline the kernel adds.
    private func command(pidFD: Int32) -> [UInt8] {
        let fd = openat(pidFD, "comm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return [] }
        var command = Array(bytes[..<count])
        if command.last == UInt8(ascii: "\n") { command.removeLast() }
        return command
    }
}

/// User names by uid, looked up once each.
private struct UserNames {
    private var cache: [UInt32: String?] = [:]

    mutating func name(of uid: UInt32) -> String? {
        if let known = cache[uid] { return known }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let name: String? = getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0 && result != nil
            ? String(cString: entry.pw_name) : nil
        cache[uid] = name
        return name
    }
}
