import Testing

extension RealSockets {
    /// The kernel walks its whole TCP hash for every dump request, so a
    /// listing of both families asks once (TCPDIAG_GETSOCK), and falls back
    /// to one SOCK_DIAG_BY_FAMILY request per family when that is refused.
    @Suite("Dump requests")
    struct DumpRequests {
        static let traceSendto = ["strace", "-f", "-o", "/dev/stderr", "-e", "trace=sendto"]

        /// The nlmsg_type of each sendto the strace on stderr shows.
        static func requestTypes(_ result: CommandResult) -> [String] {
            result.stderr.split(separator: "\n").filter { $0.contains("sendto(") }.map { line in
                line.contains("TCPDIAG_GETSOCK") ? "TCPDIAG_GETSOCK"
                    : line.contains("SOCK_DIAG_BY_FAMILY") ? "SOCK_DIAG_BY_FAMILY" : String(line)
            }
        }

        @Test("both families come from one request; one family from its own",
              .enabled(if: TestEnvironment.hasStrace, "needs strace"))
        func oneRequestPerListing() throws {
            let namespace = try PeerNamespace.shared()
            let both = try namespace.run(Self.traceSendto + [namespace.tcpstates, "--json"])
            try #require(both.termination == .exited(0), "\(both)")
            #expect(Self.requestTypes(both) == ["TCPDIAG_GETSOCK"], "\(both.stderr)")
            #expect(sortedLines(try JSONListing.parse(both).records) == sortedLines(namespace.openTruth))

            let v6 = try namespace.run(Self.traceSendto + [namespace.tcpstates, "-6", "--json"])
            try #require(v6.termination == .exited(0), "\(v6)")
            #expect(Self.requestTypes(v6) == ["SOCK_DIAG_BY_FAMILY"], "\(v6.stderr)")
        }

        @Test("a kernel that refuses the both-family request is asked per family, same sockets",
              .enabled(if: TestEnvironment.hasStrace, "needs strace"))
        func refusedRequestFallsBackToPerFamily() throws {
            let namespace = try PeerNamespace.shared()
            let refuseFirst = Self.traceSendto + ["-e", "inject=sendto:error=EINVAL:when=1"]
            let result = try namespace.run(refuseFirst + [namespace.tcpstates, "--json"])
            try #require(result.termination == .exited(0), "\(result)")
            #expect(Self.requestTypes(result) == ["TCPDIAG_GETSOCK", "SOCK_DIAG_BY_FAMILY", "SOCK_DIAG_BY_FAMILY"],
                    "\(result.stderr)")
            let listing = try JSONListing.parse(result)
            #expect(listing.source == "netlink")
            #expect(sortedLines(listing.records) == sortedLines(namespace.openTruth))
        }
    }
}
