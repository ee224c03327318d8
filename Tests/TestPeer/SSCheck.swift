import Glibc

/// Checks the peer's ground truth against `ss -tanH` before announcing it, so
/// that a socket the peer does not own (TIME_WAIT, request sockets) is known to
/// be there. ss 6.1 does not list bound-inactive sockets, so CLOSED is skipped.
enum SSCheck {
    static let names: [String: String] = [
        "LISTEN": "LISTEN", "ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT",
        "SYN-RECV": "SYN_RCVD", "FIN-WAIT-1": "FIN_WAIT_1", "FIN-WAIT-2": "FIN_WAIT_2",
        "CLOSE-WAIT": "CLOSE_WAIT", "CLOSING": "CLOSING", "LAST-ACK": "LAST_ACK",
        "TIME-WAIT": "TIME_WAIT", "UNCONN": "CLOSED",
    ]

    static func verify(_ truth: [HeldSocket], timeout: Double = 5) throws {
        let expected = truth.filter { $0.state != "CLOSED" }
            .map { "\($0.state) \($0.local) \($0.remote)" }.sorted()
        let deadline = Clock.now + timeout
        while true {
            let seen = try listing()
            if seen == expected { return }
            if Clock.now > deadline {
                let missing = expected.filter { !seen.contains($0) }
                let extra = seen.filter { !expected.contains($0) }
                throw PeerError(
                    "ss -tanH disagrees with the held sockets: missing [\(missing.joined(separator: ", "))]"
                        + " extra [\(extra.joined(separator: ", "))]")
            }
            usleep(20_000)
        }
    }

    /// `ss -tanH` as sorted `STATE local remote` lines in the peer's spelling.
    private static func listing() throws -> [String] {
        let output = try Command.check(["ss", "-tanH"])
        return output.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5 else { return nil }
            let state = names[String(fields[0])] ?? "ss:\(fields[0])"
            return "\(state) \(normalise(fields[3])) \(normalise(fields[4]))"
        }.sorted()
    }

    /// ss prints an unset port as `*`; the peer prints 0.
    private static func normalise(_ endpoint: Substring) -> String {
        endpoint.hasSuffix(":*") ? endpoint.dropLast() + "0" : String(endpoint)
    }
}
