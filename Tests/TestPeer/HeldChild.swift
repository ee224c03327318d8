import Glibc

/// A child process that sets up sockets, says it is ready, and then holds
/// them until the parent closes `control`: how the peer spreads sockets over
/// several processes (the open-files limit) or gives them other owners.
enum HeldChild {
    /// Forks a child that runs `body`, reports back and then holds what it
    /// has (its own sockets and every one inherited) until `control` closes.
    /// `body` gets the descriptor to report on, for a child that execs.
    static func fork(_ control: [Int32], _ body: (Int32) throws -> Void) throws -> pid_t {
        var status: [Int32] = [-1, -1]
        guard makePipe(&status) else { throw PeerError.system("pipe") }
        let pid = Glibc.fork()
        guard pid >= 0 else { throw PeerError.system("fork") }
        if pid == 0 {
            TerminationSignals.restoreDefaults()
            close(control[1])
            close(status[0])
            do {
                try body(status[1])
            } catch {
                writeAll(2, "tcpstates-testpeer: child \(getpid()): \(error)\n")
                _exit(1)
            }
            writeAll(status[1], "R")
            close(status[1])
            var byte: UInt8 = 0
            while read(control[0], &byte, 1) != 0 && errno == EINTR {}
            _exit(0)
        }
        close(status[1])
        defer { close(status[0]) }
        var byte: UInt8 = 0
        var n = 0
        repeat { n = read(status[0], &byte, 1) } while n < 0 && errno == EINTR
        guard n == 1 else {
            waitpid(pid, nil, 0)
            throw PeerError("child \(pid) failed before it was ready")
        }
        return pid
    }
}
