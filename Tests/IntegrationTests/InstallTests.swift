import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `make install` and `make uninstall` into a temporary DESTDIR, with the
/// debug binary standing in for the release build (`-o build` keeps make
/// from building it: the test is about where files go, not the compiler).
@Suite("make install and uninstall", .enabled(if: Subprocess.which("make") != nil, "needs make"))
struct InstallTests {
    static let installed: [(path: String, mode: mode_t, source: String?)] = [
        ("usr/bin/tcpstates", 0o755, nil),
        ("usr/share/man/man1/tcpstates.1", 0o644, "man/tcpstates.1"),
        ("usr/share/bash-completion/completions/tcpstates", 0o644, "completions/tcpstates.bash"),
        ("usr/share/zsh/site-functions/_tcpstates", 0o644, "completions/_tcpstates"),
        ("usr/share/fish/vendor_completions.d/tcpstates.fish", 0o644, "completions/tcpstates.fish"),
    ]

    static func make(_ target: String, destdir: String) throws -> CommandResult {
        try Subprocess.run(["make", "-s", "-C", Checkout.root, "-o", "build", target, "PREFIX=/usr",
                            "DESTDIR=\(destdir)", "BINARY=\(try TestEnvironment.binary("tcpstates"))"],
                           timeout: .seconds(60))
    }

    @Test("installs the binary, man page and completions to their standard places, and removes them")
    func installAndUninstall() throws {
        let destdir = FileManager.default.temporaryDirectory.appendingPathComponent("tcpstates-destdir-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: destdir) }
        let install = try Self.make("install", destdir: destdir)
        try #require(install.termination == .exited(0), "\(install)")

        for file in Self.installed {
            let path = "\(destdir)/\(file.path)"
            var info = stat()
            try #require(stat(path, &info) == 0, "\(file.path) was not installed")
            #expect(info.st_mode & 0o777 == file.mode, "\(file.path) has mode \(String(info.st_mode & 0o777, radix: 8))")
            if let source = file.source {
                #expect(try String(contentsOfFile: path, encoding: .utf8) == Checkout.text(source), "\(file.path)")
            }
        }
        let version = try Subprocess.run(["\(destdir)/usr/bin/tcpstates", "--version"])
        #expect(version.termination == .exited(0) && !version.stdout.isEmpty, "\(version)")
        // Nothing outside the standard places.
        let everything = try FileManager.default.subpathsOfDirectory(atPath: destdir).filter { path in
            var info = stat()
            return stat("\(destdir)/\(path)", &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        }
        #expect(Set(everything) == Set(Self.installed.map(\.path)))

        let uninstall = try Self.make("uninstall", destdir: destdir)
        try #require(uninstall.termination == .exited(0), "\(uninstall)")
        for file in Self.installed {
            #expect(access("\(destdir)/\(file.path)", F_OK) != 0, "\(file.path) is still there after uninstall")
        }
    }
}
