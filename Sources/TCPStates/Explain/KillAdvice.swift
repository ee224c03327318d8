extension StateExplanation {
    /// Whether `tcpstates kill` (sock_diag SOCK_DESTROY, as `ss -K`) helps
    /// with sockets in this state, and what the application then sees.
    public var killing: String { Self.killAdvice(state) }

    static func killAdvice(_ state: TCPState) -> String {
        switch state {
        case .listen:
            """
            Rarely the fix: the service stops accepting (a blocked accept() fails with EINVAL) while its \
            process runs on; restart the service instead. tcpstates kill ends a listener only when --state \
            names LISTEN.
            """
        case .synSent:
            """
            Helps when the upstream is dead: connect() fails at once with ECONNABORTED instead of after the \
            SYN retries, and the application can go elsewhere. Fix the route or the upstream too.
            """
        case .synReceived:
            """
            Drops the half-open request; no application holds it yet, and a client that is still there \
            resends its SYN. Useless against a flood, which refills the queue.
            """
        case .established:
            """
            Ends a live connection: the peer gets a RST, and the application's next call on the socket fails \
            with ECONNABORTED (SO_ERROR says so). Only for connections known to be stuck or unwanted.
            """
        case .finWait1:
            """
            Helps when the peer stopped reading: the unsent data is dropped and a RST goes out. A closed \
            socket (inode 0) is simply freed; an application that still holds it reads ECONNABORTED.
            """
        case .finWait2:
            """
            The peer is gone or never closes its side: killing frees the socket now instead of after \
            net.ipv4.tcp_fin_timeout. A closed socket (inode 0) is simply freed; an application that only \
            shut down its side reads ECONNABORTED.
            """
        case .closeWait:
            """
            The application never closed: killing sends the peer a RST and frees the kernel's side, and the \
            application's next call fails with ECONNABORTED, but its descriptor stays open until it calls \
            close(). A stop-gap: the fix is the missing close() in the application.
            """
        case .closing:
            """
            Frees the socket now instead of after the FIN retries; no application waits on it (both ends \
            closed).
            """
        case .lastAck:
            """
            The peer vanished before acknowledging the last FIN: killing frees the socket now instead of \
            after the FIN retries; no application holds it (it closed).
            """
        case .timeWait:
            """
            Harmless, and killing it defeats its purpose: TIME_WAIT keeps late segments of the old connection \
            out of a new one on the same ports. No application holds it. Reuse connections (keep-alive, \
            pools) instead.
            """
        case .closed:
            """
            Nothing to kill: a socket that never listened or connected is in none of the tables SOCK_DESTROY \
            searches; only the application can close it.
            """
        }
    }
}
