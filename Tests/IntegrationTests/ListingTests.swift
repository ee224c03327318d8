import Testing

extension RealSockets {
    @Suite("Listing every socket")
    struct Listing {
        /// Diagram names each kernel state number may be reported as.
        static let kernelStates: [Int: String] = [
            1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RCVD", 4: "FIN_WAIT_1", 5: "FIN_WAIT_2",
            6: "TIME_WAIT", 7: "CLOSED", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN",
            11: "CLOSING", 12: "SYN_RCVD", 13: "CLOSED",
        ]

        @Test("netlink with --all reports exactly the peer's sockets, each in its diagram state")
        func netlinkMatchesGroundTruth() throws {
            let namespace = try PeerNamespace.shared()
            let listing = try namespace.json(["--all"])
            #expect(listing.source == "netlink")
            #expect(sortedLines(listing.records) == sortedLines(namespace.truth))
            checkFields(listing)
            // Sockets no process owns carry inode 0; every socket the peer holds has its own inode.
            for connection in listing.connections {
                switch connection.state {
                case "TIME_WAIT", "SYN_RCVD":
                    #expect(connection.inode == 0, "\(connection.record)")
                case "FIN_WAIT_2":
                    break  // one is held by the peer, one is an orphaned timewait minisock
                default:
                    #expect(connection.inode != 0, "\(connection.record)")
                }
            }
            let inodes = listing.connections.map(\.inode).filter { $0 != 0 }
            #expect(Set(inodes).count == inodes.count, "inodes repeat: \(inodes.sorted())")
        }

        @Test("--source proc reports the same sockets except CLOSED, with source proc")
        func procMatchesGroundTruth() throws {
            let namespace = try PeerNamespace.shared()
            let listing = try namespace.json(["--source", "proc"])
            #expect(listing.source == "proc")
            #expect(sortedLines(listing.records) == sortedLines(namespace.openTruth))
            checkFields(listing)
        }

        @Test("the default table agrees with ss -tanH, queues included")
        func tableAgreesWithSS() throws {
            let namespace = try PeerNamespace.shared()
            let table = try namespace.tcpstates([])
            try #require(table.termination == .exited(0), "\(table)")
            #expect(table.stderr.isEmpty, "\(table)")
            let ss = try namespace.run(["ss", "-tanH"])
            try #require(ss.termination == .exited(0), "\(ss)")
            let ours = try TextTable.parse(table.stdout).get()
            let theirs = try SSListing.parse(ss.stdout).get()
            #expect(ours.map(\.description).sorted() == theirs.map(\.description).sorted())
            #expect(sortedLines(ours.map(\.record)) == sortedLines(namespace.openTruth))
        }

        @Test("--no-header prints the same rows without the header")
        func noHeader() throws {
            let namespace = try PeerNamespace.shared()
            let result = try namespace.tcpstates(["--no-header"])
            try #require(result.termination == .exited(0), "\(result)")
            let rows = try TextTable.parse(result.stdout, hasHeader: false).get()
            #expect(sortedLines(rows.map(\.record)) == sortedLines(namespace.openTruth))
        }

        /// Family, kernel state and uid agree with each connection's other fields.
        private func checkFields(_ listing: JSONListing, sourceLocation: SourceLocation = #_sourceLocation) {
            for connection in listing.connections {
                let record = connection.record
                #expect(connection.family == record.family, "\(record)", sourceLocation: sourceLocation)
                #expect(connection.remote.endpoint.isIPv6 == record.local.isIPv6, "\(record)",
                        sourceLocation: sourceLocation)
                #expect(Self.kernelStates[connection.kernelState] == connection.state,
                        "\(record): kernel_state \(connection.kernelState)", sourceLocation: sourceLocation)
                #expect(connection.uid == 0, "\(record): the peer runs as root", sourceLocation: sourceLocation)
            }
        }
    }
}
