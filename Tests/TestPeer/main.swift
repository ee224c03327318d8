import Glibc

// tcpstates-testpeer: real sockets for the integration tests and benchmarks.
//   states                          every TCP diagram state on loopback (run in a fresh netns)
//   hold --connections N --port P [--listeners L] [--time-wait T]
//                                   N established loopback connections on port P, L more
//                                   listeners on P+1..., T TIME_WAIT sockets to port P+1

let usage = """
    usage: tcpstates-testpeer states
           tcpstates-testpeer hold --connections N --port P [--listeners L] [--time-wait T]
    """

signal(SIGPIPE, SIG_IGN)
TerminationSignals.block()
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "states" where arguments.count == 1:
        try StateHolder.run()
    case "hold":
        try ConnectionHolder.run(ConnectionHolder.Options(parsing: Array(arguments.dropFirst())))
    default:
        writeAll(2, usage + "\n")
        exit(64)
    }
} catch let error as ConnectionHolder.UsageError {
    writeAll(2, "tcpstates-testpeer: \(error.message)\n\(usage)\n")
    exit(64)
} catch {
    writeAll(2, "tcpstates-testpeer: \(error)\n")
    exit(1)
}
