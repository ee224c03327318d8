import Glibc

// tcpstates-testpeer: real sockets for the integration tests and benchmarks.
//   states                          every TCP diagram state on loopback (run in a fresh netns)
//   hold --connections N --port P   N established loopback connections on port P
//   owners                          sockets with known owners, UDP, timers (run in a fresh netns)
//   lifecycle --port P              connections opened and closed on command (stdin)

let usage = """
    usage: tcpstates-testpeer states
           tcpstates-testpeer hold --connections N --port P
           tcpstates-testpeer owners
           tcpstates-testpeer lifecycle --port P
    """

signal(SIGPIPE, SIG_IGN)
TerminationSignals.block()
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "states" where arguments.count == 1:
        try StateHolder.run()
    case "owners" where arguments.count == 1:
        try OwnerHolder.run()
    case "listen" where arguments.count == 2:
        try OwnerHolder.listenUntilEOF(port: arguments[1])
    case "hold":
        try ConnectionHolder.run(ConnectionHolder.Options(parsing: Array(arguments.dropFirst())))
    case "lifecycle":
        try Lifecycle.run(arguments: Array(arguments.dropFirst()))
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
