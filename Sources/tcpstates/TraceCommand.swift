import ArgumentParser
import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// `tcpstates trace`: every state transition as the kernel makes it, from
/// the sock:inet_sock_set_state tracepoint through tracefs (no BPF).
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Print every TCP state transition as the kernel makes it (needs root).",
        discussion: """
            Reads the kernel's sock:inet_sock_set_state tracepoint through a private tracefs \
            instance. One line per transition: time, endpoints, OLD -> NEW, milliseconds spent \
            in OLD by that socket, its network namespace (unknown when it cannot be known), and \
            the process it ran in (- for softirq context and kernel threads). A socket that \
            closes into TIME_WAIT is shown -> TIME_WAIT, as sock_diag sees it right after in its \
            namespace. --state matches the old or the new state. The tracepoint covers every \
            network namespace of the machine. At exit, a line on stderr says how many events \
            were seen and how many the kernel lost.
            """
    )

    @OptionGroup(title: "Filters") var filters: FilterOptions

    @OptionGroup var output: OutputOptions

    @Option(name: [.customShort("c"), .long], help: ArgumentHelp("Stop after N transitions.", valueName: "n"))
    var count: Int?

    @Option(name: .long, help: ArgumentHelp("Stop after SECONDS seconds.", valueName: "seconds"))
    var duration: Double?

    @Option(name: .customLong("buffer-kb"), help: ArgumentHelp("Kernel trace buffer per CPU, in KiB.", valueName: "kib"))
    var bufferKB = 8192

    func validate() throws {
        _ = try filters.makeFilter()
        if let count, count < 1 { throw ValidationError("--count wants a positive number, got \(count)") }
        if let duration, !TraceSchedule.accepts(seconds: duration) { throw Self.durationError(duration) }
        guard (16...1_048_576).contains(bufferKB) else {
            throw ValidationError("--buffer-kb wants 16 to 1048576, got \(bufferKB)")
        }
    }

    static func durationError(_ duration: Double) -> ValidationError {
        ValidationError("--duration wants a positive number of seconds up to \(Int(TraceSchedule.longestSeconds)), got \(duration)")
    }

    func run() throws {
        guard let schedule = TraceSchedule(start: TraceLoop.bootTime(), seconds: duration) else {
            throw Self.durationError(duration ?? 0)
        }
        var filter = try filters.makeFilter()
        // Without --state every arrow shows, CLOSED ones included.
        if filter.includesUnknownStates { filter.states = .all }
        // A reader that goes away must not kill the process before the instance is removed.
        signal(SIGPIPE, SIG_IGN)
        // Stop signals wake the loop instead of killing the process, so that the instance is removed.
        let stop: SignalEvents
        do {
            stop = try SignalEvents([SIGINT, SIGTERM, SIGHUP])
        } catch {
            throw RuntimeError(message: error.message)
        }
        defer {
            // A stop signal taken here does not kill the process when close() unblocks it.
            _ = stop.take()
            stop.close()
        }
        let instance: TraceInstance
        do {
            instance = try TraceInstance(filter: TraceFilterExpression.make(filter), bufferKB: bufferKB)
        } catch let error where error.errno == EACCES || error.errno == EPERM {
            throw RuntimeError(message: "trace needs root for tracefs (\(error.message)); "
                + "tcpstates --watch follows state changes without root")
        } catch {
            throw RuntimeError(message: error.message)
        }
        defer { instance.remove() }
        let tracer: TransitionTracer
        do {
            // One sock_diag socket per network namespace: the tracepoint names none.
            let locator = try NamespaceLocator()
            tracer = try TransitionTracer(instance: instance, filter: filter, wallClockOffset: TraceLoop.wallClockOffset(),
                                          locator: locator)
        } catch let error as TraceError {
            throw RuntimeError(message: error.message)
        } catch {
            throw RuntimeError(message: "cannot open sock_diag sockets for the trace: \(error)")
        }
        let writer = ByteWriter { try Terminal.writeStandardOutputOrThrowWhenClosed($0) }
        let renderer = TransitionRenderer(writer: writer, format: output.json ? .json : .text)
        if !output.noHeader { renderer.writeHeader() }
        let loop = TraceLoop(tracer: tracer, instance: instance, stop: stop, schedule: schedule, limit: count,
                             watchesOutput: Terminal.standardOutputIsPipe)
        let summary: TraceSummary
        do {
            summary = try loop.run(emit: renderer.write, flush: writer.flush)
        } catch is Terminal.ClosedOutput {
            return
        } catch let error as TraceError {
            throw RuntimeError(message: error.message)
        }
        Terminal.error(summary.line)
    }
}
