import Glibc

// tcpstates-testpeer: real sockets for the integration tests and benchmarks.
//   states                          every TCP diagram state on loopback (run in a fresh netns)
//   hold --connections N --port P [--listeners L] [--time-wait T]
//                                   N established loopback connections on port P, L more
//                                   listeners on P+1..., T TIME_WAIT sockets to port P+1
//   owners                          sockets with known owners, UDP, timers (run in a fresh netns)
//   lifecycle --port P              connections opened and closed on command (stdin)
//   trace-lifecycle --port P [--ipv6] scripted connections for the trace tests (fresh netns)
//   burst --port P --connections N  N connections opened and closed at full speed
//   kill-targets --port P --count N CLOSE_WAIT sockets on P, ESTABLISHED on P+1, SO_ERROR on demand
//   churn --port P --seconds S [--rate R]  the same for S seconds, R a second
//   close-after-shutdown --port P   a client that close()s in FIN_WAIT_2 after shutdown()

let usage = """
    usage: tcpstates-testpeer states
           tcpstates-testpeer hold --connections N --port P [--listeners L] [--time-wait T]
           tcpstates-testpeer owners
           tcpstates-testpeer lifecycle --port P
           tcpstates-testpeer trace-lifecycle --port P [--ipv6]
           tcpstates-testpeer burst --port P --connections N
           tcpstates-testpeer kill-targets --port P --count N
           tcpstates-testpeer churn --port P --seconds S [--rate R]
           tcpstates-testpeer close-after-shutdown --port P
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
    case "trace-lifecycle" where (3...4).contains(arguments.count) && arguments[1] == "--port"
        && (arguments.count == 3 || arguments[3] == "--ipv6"):
        guard let port = UInt16(arguments[2]), port > 0, port < 65000 else {
            throw ConnectionHolder.UsageError(message: "--port wants 1-64999, got \(arguments[2])")
        }
        try TraceWorkloads.lifecycle(port: port, address: arguments.count == 4 ? "::1" : TraceWorkloads.ipv4)
    case "burst":
        let options = try ConnectionHolder.Options(parsing: Array(arguments.dropFirst()))
        try TraceWorkloads.burst(port: options.port, connections: options.connections)
    case "churn":
        try Churn.run(Churn.Options(parsing: Array(arguments.dropFirst())))
    case "close-after-shutdown" where arguments.count == 3 && arguments[1] == "--port":
        guard let port = UInt16(arguments[2]), port > 0, port < 65000 else {
            throw ConnectionHolder.UsageError(message: "--port wants 1-64999, got \(arguments[2])")
        }
        try TraceWorkloads.closeAfterShutdown(port: port)
    case "hold":
        try ConnectionHolder.run(ConnectionHolder.Options(parsing: Array(arguments.dropFirst())))
    case "lifecycle":
        try Lifecycle.run(arguments: Array(arguments.dropFirst()))
    case "kill-targets":
        try KillTargets.run(arguments: Array(arguments.dropFirst()))
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
