extension StateExplanation {
    /// One explanation per diagram state, in diagram order.
    public static let all: [StateExplanation] = [
        .init(
            state: .listen, kernelNames: ["TCP_LISTEN"], ssName: "LISTEN", netstatName: "LISTEN",
            meaning: "Waiting for connection requests on a port.",
            side: "The server (passive opener), after listen().",
            duration: "As long as the service runs; it ends with close().",
            pileUp: """
                Listeners do not pile up; look at their queues instead. RECV-Q is the accept queue (connections \
                the kernel completed that the application has not accepted yet) and SEND-Q its limit, the backlog \
                (min(listen() backlog, net.core.somaxconn)). A RECV-Q at SEND-Q means the application accepts too \
                slowly and new handshakes are dropped: nstat -az TcpExtListenOverflows TcpExtListenDrops.
                """),
        .init(
            state: .synSent, kernelNames: ["TCP_SYN_SENT"], ssName: "SYN-SENT", netstatName: "SYN_SENT",
            meaning: "Sent a SYN to open a connection; waiting for the peer's SYN+ACK.",
            side: "The client (active opener), after connect().",
            duration: """
                One round trip. Without an answer the SYN is resent net.ipv4.tcp_syn_retries times \
                (default 6: about 127 s) before connect() fails with ETIMEDOUT.
                """,
            pileUp: """
                The remote side does not answer: the upstream host is down or unreachable, a firewall drops the \
                SYNs silently (a refusal would be a quick RST), or the upstream's listen queue is full. Look at the \
                remote addresses (tcpstates -s syn-sent --sort remote), then routes and firewall rules on the way.
                """),
        .init(
            state: .synReceived, kernelNames: ["TCP_SYN_RECV", "TCP_NEW_SYN_RECV"], ssName: "SYN-RECV",
            netstatName: "SYN_RECV",
            meaning: "Received a SYN and answered SYN+ACK; waiting for the handshake's last ACK.",
            side: """
                The server (passive opener). Linux keeps it as a small request socket on the listener \
                (TCP_NEW_SYN_RECV, inode 0), not yet a full socket.
                """,
            duration: """
                One round trip. Without the ACK the SYN+ACK is resent net.ipv4.tcp_synack_retries times \
                (default 5: about 63 s), then the request is dropped.
                """,
            pileUp: """
                A SYN flood (many remote addresses that never answer; net.ipv4.tcp_syncookies protects the \
                listener), clients whose last ACK is lost or filtered on the way back, or a full accept queue \
                (the listener's RECV-Q at its SEND-Q: Linux then drops the ACK). nstat -az TcpExtSyncookiesSent \
                TcpExtListenDrops.
                """),
        .init(
            state: .established, kernelNames: ["TCP_ESTABLISHED"], ssName: "ESTAB", netstatName: "ESTABLISHED",
            meaning: "Open: data flows both ways.",
            side: "Both ends, once the handshake is done.",
            duration: """
                The life of the connection. An idle connection stays open forever unless keepalive \
                (SO_KEEPALIVE, net.ipv4.tcp_keepalive_time, default 7200 s) or the application ends it.
                """,
            pileUp: """
                Many connections are normal for a busy server; a steady climb is a leak or an unbounded \
                connection pool. Count them per remote address or per port (tcpstates -S --by-port). A large \
                RECV-Q: the application does not read; a large SEND-Q: the peer or the network is slow.
                """),
        .init(
            state: .finWait1, kernelNames: ["TCP_FIN_WAIT1"], ssName: "FIN-WAIT-1", netstatName: "FIN_WAIT1",
            meaning: "This side closed and sent its FIN, which is not acknowledged yet.",
            side: "The active closer, after close() or shutdown(SHUT_WR).",
            duration: """
                One round trip, after the data still in SEND-Q is delivered (the FIN goes last). A closed \
                socket's FIN is resent net.ipv4.tcp_orphan_retries times (0 means 8) before it is dropped.
                """,
            pileUp: """
                Peers that stopped reading (a zero window holds the data and the FIN back) or lost packets: look \
                at SEND-Q and at the remote addresses; net.ipv4.tcp_max_orphans bounds the closed ones.
                """),
        .init(
            state: .finWait2, kernelNames: ["TCP_FIN_WAIT2"], ssName: "FIN-WAIT-2", netstatName: "FIN_WAIT2",
            meaning: "This side's FIN is acknowledged; waiting for the peer's FIN.",
            side: "The active closer.",
            duration: """
                Until the peer closes. When the application has closed its socket (an orphan, kept by the kernel \
                as a timewait socket, inode 0), Linux gives up after net.ipv4.tcp_fin_timeout (default 60 s); after \
                shutdown(SHUT_WR) with the socket still open, it can last as long as the peer waits.
                """,
            pileUp: """
                The peers do not close their side: they sit in CLOSE_WAIT. Look at the application on the remote \
                addresses, not at this host.
                """),
        .init(
            state: .closeWait, kernelNames: ["TCP_CLOSE_WAIT"], ssName: "CLOSE-WAIT", netstatName: "CLOSE_WAIT",
            meaning: "The peer closed; waiting for the local application to close its socket.",
            side: "The passive closer: the peer sent FIN first.",
            duration: """
                Until the application calls close(): the kernel has no timeout for it. Normally a moment, as \
                soon as the application reads the end of the stream (read() returns 0).
                """,
            pileUp: """
                A bug in the application: it does not close sockets whose peer has gone, typically a connection \
                leak on an error path or a stuck worker. tcpstates -P -s close-wait shows which process holds \
                them, and tcpstates -S --by-port -s close-wait how many each service port has.
                """),
        .init(
            state: .closing, kernelNames: ["TCP_CLOSING"], ssName: "CLOSING", netstatName: "CLOSING",
            meaning: "Both ends closed at once; waiting for the ACK of this side's FIN.",
            side: "Both ends, in a simultaneous close: each sent FIN before receiving the other's.",
            duration: "One round trip; the FIN is resent like FIN_WAIT_1's.",
            pileUp: """
                Rare, as simultaneous closes are. Many of them mean lost ACKs: look for packet loss or a firewall \
                dropping packets towards the remote addresses.
                """),
        .init(
            state: .lastAck, kernelNames: ["TCP_LAST_ACK"], ssName: "LAST-ACK", netstatName: "LAST_ACK",
            meaning: "Closed after the peer did; waiting for the ACK of this side's FIN.",
            side: "The passive closer, after close() in CLOSE_WAIT.",
            duration: """
                One round trip; the FIN is resent net.ipv4.tcp_orphan_retries times (0 means 8) if no ACK comes.
                """,
            pileUp: """
                The peers vanished after sending their FIN, or the ACKs are lost or filtered on the way back: \
                look at the remote addresses and the firewall.
                """),
        .init(
            state: .timeWait, kernelNames: ["TCP_TIME_WAIT"], ssName: "TIME-WAIT", netstatName: "TIME_WAIT",
            meaning: "Closed; waiting out twice the maximum segment lifetime so that stray segments die.",
            side: """
                The active closer, the end that sent the first FIN. No process owns it: the kernel keeps a small \
                timewait socket (inode 0).
                """,
            duration: """
                60 s on Linux (TCP_TIMEWAIT_LEN, fixed at build time; net.ipv4.tcp_fin_timeout does not change \
                it). net.ipv4.tcp_max_tw_buckets bounds how many exist.
                """,
            pileUp: """
                Many short connections closed by this side, usually a client opening one connection per request. \
                Each is cheap, but towards one remote address and port they use up the local ports \
                (net.ipv4.ip_local_port_range). Reuse connections (keep-alive, pools); net.ipv4.tcp_tw_reuse lets \
                new outgoing connections take over TIME_WAIT ports.
                """),
        .init(
            state: .closed, kernelNames: ["TCP_CLOSE", "TCP_BOUND_INACTIVE"], ssName: "UNCONN", netstatName: "CLOSE",
            meaning: "No connection. The CLOSED sockets listed are bound to a port and never listened or connected.",
            side: "Neither end: a socket after bind(), before listen() or connect(), or the end of every path.",
            duration: "Until the application listens, connects or closes the socket.",
            pileUp: """
                An application binds sockets and does not use them, which holds their ports: \
                tcpstates -P -s closed lists them with the process holding each.
                """),
    ]
}
