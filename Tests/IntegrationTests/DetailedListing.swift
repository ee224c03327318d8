import Foundation

/// tcpstates' `--json` document with the members of --udp, --processes,
/// --timers and --info.
struct DetailedListing: Decodable, Sendable {
    struct Owner: Decodable, Sendable, Hashable {
        let pid: Int
        let command: String
        let uid: Int
        let user: String?
    }

    struct Timer: Decodable, Sendable {
        let kind: String
        let expiresMs: Int
        let retransmits: Int
        enum CodingKeys: String, CodingKey {
            case kind, retransmits
            case expiresMs = "expires_ms"
        }
    }

    struct Info: Decodable, Sendable {
        let rttMs: Double
        let rttvarMs: Double
        let cwnd: Int
        let bytesSent: Int
        let bytesAcked: Int
        let bytesReceived: Int
        let congestion: String?
        enum CodingKeys: String, CodingKey {
            case cwnd, congestion
            case rttMs = "rtt_ms"
            case rttvarMs = "rttvar_ms"
            case bytesSent = "bytes_sent"
            case bytesAcked = "bytes_acked"
            case bytesReceived = "bytes_received"
        }
    }

    struct Connection: Decodable, Sendable {
        let `protocol`: String
        let state: String
        let local: JSONListing.Address
        let remote: JSONListing.Address
        let inode: Int
        let process: [Owner]?
        let timer: Timer?
        let tcpInfo: Info?
        enum CodingKeys: String, CodingKey {
            case `protocol`, state, local, remote, inode, process, timer
            case tcpInfo = "tcp_info"
        }

        /// `udp UNCONN 127.0.0.1:7200 0.0.0.0:0`.
        var key: String { "\(`protocol`) \(state) \(local.endpoint) \(remote.endpoint)" }
    }

    let source: String
    let connections: [Connection]

    static func parse(_ result: CommandResult) throws -> DetailedListing {
        do {
            return try JSONDecoder().decode(DetailedListing.self, from: Data(result.stdout.utf8))
        } catch {
            throw SubprocessError(description: "not a tcpstates JSON document (\(error))\n\(result)")
        }
    }

    /// The connections whose local port is `port`.
    func local(port: Int) -> [Connection] { connections.filter { $0.local.port == port } }
}
