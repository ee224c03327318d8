import Glibc

/// Runs helper programs (nft, ss, ip) with their output captured, so that
/// nothing but the peer's own protocol reaches its stdout.
enum Command {
    struct Result {
        let status: Int32
        let output: String
    }

    /// Runs `argv` (looked up in PATH) with `input` on stdin; stdout and stderr
    /// are captured together.
    static func run(_ argv: [String], input: String = "") throws -> Result {
        var inPipe: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        guard makePipe(&inPipe) else { throw PeerError.system("pipe") }
        guard makePipe(&outPipe) else { throw PeerError.system("pipe") }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT] { sigaddset(&defaults, signal) }
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, &cArgs, environ)
        Glibc.close(inPipe[0])
        Glibc.close(outPipe[1])
        guard rc == 0 else {
            Glibc.close(inPipe[1])
            Glibc.close(outPipe[0])
            throw PeerError.system("cannot run \(argv[0])", errno: rc)
        }

        var bytes = Array(input.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(inPipe[1], buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                offset += n
            }
        }
        Glibc.close(inPipe[1])

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(outPipe[0], $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output += chunk[0..<n]
        }
        Glibc.close(outPipe[0])

        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        return Result(
            status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
            output: String(decoding: output, as: UTF8.self))
    }

    /// Runs `argv` and fails with its output when it does not exit 0.
    @discardableResult
    static func check(_ argv: [String], input: String = "") throws -> String {
        let result = try run(argv, input: input)
        guard result.status == 0 else {
            let detail = result.output.split(separator: "\n").joined(separator: " | ")
            throw PeerError("\(argv.joined(separator: " ")) exited \(result.status): \(detail)")
        }
        return result.output
    }
}
