/// The TCP state diagram (after RFC 793, figure 6) as text, 80 columns
/// wide, in the names tcpstates prints, with the events on the arrows.
public enum StateDiagram {
    public static let text = #"""
                              +-------------+
                              |   CLOSED    |
                              +-------------+
        passive open: listen()  |         |  active open: connect(), snd SYN
                                V         +-------------------------------+
                       +-------------+                                    |
                       |   LISTEN    |                                    V
                       +-------------+                             +-------------+
          rcv SYN, snd SYN+ACK  |                                  |  SYN_SENT   |
                                V                                  +-------------+
                       +-------------+   rcv SYN, snd SYN+ACK         |      |
                       |  SYN_RCVD   |<-------------------------------+      |
                       +-------------+   (simultaneous open)                 |
              rcv ACK of SYN    |                     rcv SYN+ACK, snd ACK   |
                                V                                            |
                       +-------------+<--------------------------------------+
                       | ESTABLISHED |
                       +-------------+
      close(), snd FIN  |           |  rcv FIN, snd ACK
      (active close)    |           |  (passive close)
                        V           +----------------------------+
               +-------------+                                   V
               | FIN_WAIT_1  |                            +-------------+
               +-------------+                            | CLOSE_WAIT  |
                 |         |  rcv FIN, snd ACK            +-------------+
                 |         +--------------+                      | close(), snd FIN
                 | rcv ACK of FIN         V                      V
                 V                 +-------------+        +-------------+
          +-------------+          |   CLOSING   |        |  LAST_ACK   |
          | FIN_WAIT_2  |          +-------------+        +-------------+
          +-------------+ rcv ACK of FIN |                       | rcv ACK of FIN
            | rcv FIN, snd ACK           V                       V
            |                      +-------------+ 2MSL   +-------------+
            +--------------------->|  TIME_WAIT  |------->|   CLOSED    |
                                   +-------------+ (60 s) +-------------+

      Not drawn: close() or a timeout in LISTEN, SYN_SENT or SYN_RCVD, and a RST
      in most states lead straight to CLOSED (the socket is freed).

    """#
}
