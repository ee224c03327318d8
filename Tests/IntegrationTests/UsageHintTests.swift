import Foundation
import Testing

/// A usage error says what was probably meant.
@Suite("Usage errors that point the way")
struct UsageHintTests {
    static func usageError(_ arguments: [String]) throws -> String {
        let result = try Subprocess.run([try TestEnvironment.binary("tcpstates")] + arguments)
        #expect(result.termination == .exited(64), "\(result)")
        #expect(result.stderrIsOneLine && result.stdout.isEmpty, "\(result)")
        return result.stderr
    }

    @Test("a bare port number hints -p, a bare state hints -s")
    func strayWords() throws {
        #expect(try Self.usageError(["8080"]).contains("-p 8080"))
        #expect(try Self.usageError(["8000-8100"]).contains("-p 8000-8100"))
        #expect(try Self.usageError(["-l", "443"]).contains("-p 443"))
        #expect(try Self.usageError(["time-wait"]).contains("-s time-wait"))
        #expect(try Self.usageError(["nonsense"]).contains("unexpected argument 'nonsense'"))
    }

    @Test("an address with a port hints the port option")
    func addressWithPort() throws {
        let local = try Self.usageError(["--local", "10.0.0.5:7040"])
        #expect(local.contains("--local 10.0.0.5 --local-port 7040"), "\(local)")
        #expect(try Self.usageError(["--remote", "[::1]:443"]).contains("--remote [::1] --remote-port 443"))
        #expect(try Self.usageError(["--addr", "127.0.0.1:22"]).contains("--port 22"))
        // An IPv6 address without brackets has no port to find.
        #expect(!(try Self.usageError(["--local", "fe80::1:7040x"])).contains("--local-port"))
    }

    @Test("a negative port says what is wrong with it", arguments: ["--port", "-p", "--local-port", "--remote-port", "--sport"])
    func negativePort(option: String) throws {
        let message = try Self.usageError([option, "-1"])
        #expect(!message.contains("Missing value"), "\(message)")
        #expect(message.contains("'-1' is not a port"), "\(message)")
    }

    @Test("a negative pid is a bad pid, not a missing value")
    func negativePid() throws {
        let message = try Self.usageError(["--pid", "-3"])
        #expect(message.contains("--pid wants a process id above 0, got -3"), "\(message)")
    }
}
