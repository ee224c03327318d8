import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the integration tests need from the machine.
enum TestEnvironment {
    static let isRoot = geteuid() == 0
    static let hasNamespaceTools = ["ip", "nft", "ss"].allSatisfy { Subprocess.which($0) != nil }
    static let hasStrace = Subprocess.which("strace") != nil
    static let hasSetpriv = Subprocess.which("setpriv") != nil

    /// How much longer than usual to wait before calling a child hung:
    /// $TCPSTATES_TEST_PATIENCE (`make sanitize` sets it; sanitized debug
    /// binaries run several times slower), 1 when unset. Deadlines only stop
    /// a hang from stalling the run; no test asserts a time.
    static let patience: Int = {
        guard let text = ProcessInfo.processInfo.environment["TCPSTATES_TEST_PATIENCE"],
              let factor = Int(text), factor >= 1 else { return 1 }
        return factor
    }()

    /// The deadline `timeout` from now, stretched by `patience`.
    static func deadline(after timeout: Duration) -> ContinuousClock.Instant {
        ContinuousClock.now + timeout * patience
    }

    /// The directory holding the built `tcpstates` and `tcpstates-testpeer`:
    /// the test executable's own directory (where `swift build` and
    /// `swift test` put every product), else $TCPSTATES_BIN_DIR.
    static let binDirectory: String? = {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append((exe as NSString).deletingLastPathComponent)
        }
        if let fallback = ProcessInfo.processInfo.environment["TCPSTATES_BIN_DIR"] {
            candidates.append(fallback)
        }
        return candidates.first { directory in
            ["tcpstates", "tcpstates-testpeer"].allSatisfy { access("\(directory)/\($0)", X_OK) == 0 }
        }
    }()

    static func binary(_ name: String) throws -> String {
        guard let directory = binDirectory else {
            throw SubprocessError(description:
                "no built \(name) next to the test executable or in $TCPSTATES_BIN_DIR; build the package first")
        }
        return "\(directory)/\(name)"
    }
}
