import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension RealSockets {
    @Suite("Without netlink, without privileges, with bad arguments")
    struct Robustness {
        static let noNetlink = ["strace", "-f", "-o", "/dev/null", "-e", "trace=socket",
                                "-e", "inject=socket:error=EPROTONOSUPPORT"]

        @Test("when netlink cannot be opened it falls back to /proc with a one-line notice",
              .enabled(if: TestEnvironment.hasStrace, "needs strace"))
        func fallsBackToProc() throws {
            let namespace = try PeerNamespace.shared()
            let result = try namespace.run(Self.noNetlink + [namespace.tcpstates, "--json"])
            try #require(result.termination == .exited(0), "\(result)")
            #expect(result.stderrIsOneLine && result.stderr.contains("/proc"), "\(result)")
            let listing = try JSONListing.parse(result)
            #expect(listing.source == "proc")
            #expect(sortedLines(listing.records) == sortedLines(namespace.openTruth))
        }

        @Test("--source netlink fails with one line when netlink cannot be opened",
              .enabled(if: TestEnvironment.hasStrace, "needs strace"))
        func netlinkRequiredFails() throws {
            let namespace = try PeerNamespace.shared()
            let result = try namespace.run(Self.noNetlink + [namespace.tcpstates, "--source", "netlink", "--json"])
            #expect(result.termination == .exited(1), "\(result)")
            #expect(result.stderrIsOneLine, "\(result)")
        }

        @Test("an unprivileged user sees the same sockets as root",
              .enabled(if: TestEnvironment.hasSetpriv, "needs setpriv"))
        func unprivilegedSeesEverything() throws {
            let namespace = try PeerNamespace.shared()
            let binary = try UnprivilegedCopy.path(of: namespace.tcpstates, namespace: namespace)
            defer { UnprivilegedCopy.remove(binary, original: namespace.tcpstates) }
            let asNobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", binary]
            let root = try namespace.json([])
            for extra in [[], ["--all"]] {
                let result = try namespace.run(asNobody + extra + ["--json"])
                try #require(result.termination == .exited(0), "\(result)")
                #expect(result.stderr.isEmpty, "\(result)")
                let listing = try JSONListing.parse(result)
                #expect(listing.source == "netlink")
                let expected = extra.isEmpty ? namespace.openTruth : namespace.truth
                #expect(sortedLines(listing.records) == sortedLines(expected), "as nobody with \(extra)")
                if extra.isEmpty {
                    #expect(sortedLines(listing.records) == sortedLines(root.records))
                }
            }
        }

        static let usageErrors: [[String]] = [
            ["--port", "70000"], ["--port", "abc"], ["--port", "90-80"], ["--local-port", "-1"],
            ["--state", "FOO"], ["--state", "established,nonsense"],
            ["--local", "127.0.0.1/33"], ["--remote", "::1/129"], ["--addr", "not-an-address"],
            ["--source", "carrier-pigeon"], ["--sort", "sideways"], ["--no-such-option"],
            ["explain", "--port", "80"], ["explain", "TIME_WAIT", "--no-header"], ["trace", "--sort", "state"],
            ["trace", "--udp"], ["trace", "--watch"],
            ["--format", "yaml"], ["--json", "--format", "prometheus"], ["-S", "--sort", "state"],
            ["--by-port", "--state", "nonsense"],
        ]

        @Test("a usage error exits 64 with one line on stderr", arguments: usageErrors)
        func usageError(_ arguments: [String]) throws {
            let namespace = try PeerNamespace.shared()
            let result = try namespace.tcpstates(arguments)
            #expect(result.termination == .exited(64), "\(result)")
            #expect(result.stderrIsOneLine, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
        }

        /// As the man page says (EXIT STATUS): like cat, SIGPIPE ends it, which
        /// a shell reports as 141; no message on stderr.
        @Test("writing into a closed pipe ends by SIGPIPE, quietly", arguments: [[], ["--json"]])
        func closedPipe(_ arguments: [String]) throws {
            let namespace = try PeerNamespace.shared()
            let result = try namespace.run([namespace.tcpstates] + arguments, closedStdout: true)
            #expect(result.termination == .signaled(SIGPIPE), "\(result)")
            #expect(result.stderr.isEmpty, "\(result)")
        }
    }
}

/// A copy of a binary that user nobody can run, when the build directory is
/// not reachable for nobody.
enum UnprivilegedCopy {
    static func path(of binary: String, namespace: PeerNamespace?) throws -> String {
        try path(of: binary) { arguments in try namespace.map { try $0.run(arguments) } ?? Subprocess.run(arguments) }
    }

    /// `run` runs a command where the copy will be used.
    static func path(of binary: String, run: ([String]) throws -> CommandResult) throws -> String {
        let probe = try run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                             "test", "-x", binary])
        if probe.termination == .exited(0) { return binary }
        var template = Array("/tmp/tcpstates-nobody-XXXXXX".utf8CString)
        guard let directory = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) })
            .map({ String(cString: $0) })
        else { throw SubprocessError(description: "mkdtemp failed") }
        let copy = "\(directory)/tcpstates"
        try FileManager.default.copyItem(atPath: binary, toPath: copy)
        chmod(directory, 0o755)
        chmod(copy, 0o755)
        return copy
    }

    /// Deletes a copy `path` made (nothing when it returned the original).
    static func remove(_ copy: String, original: String) {
        guard copy != original else { return }
        try? FileManager.default.removeItem(atPath: (copy as NSString).deletingLastPathComponent)
    }
}
