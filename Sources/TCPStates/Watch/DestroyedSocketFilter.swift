extension ConnectionFilter {
    /// Whether a destroyed socket that no poll saw may have been in the
    /// filtered set. Its destroy message says only CLOSED, so the state
    /// filter is asked about the states it could have passed through: the
    /// connected ones for a socket with a peer, else LISTEN or CLOSED.
    public func mayHaveHeld(destroyed c: Connection) -> Bool {
        var probe = self
        probe.includesUnknownStates = true
        guard probe.matches(Connection(
            kernelState: 255, local: c.local, remote: c.remote,
            recvQueue: 0, sendQueue: 0, uid: 0, inode: 0)) else { return false }
        let candidates: [TCPState] = c.remote.port == 0
            ? [.listen, .closed]
            : TCPState.allCases.filter { $0 != .listen && $0 != .closed }
        return candidates.contains { states.contains($0) }
    }
}
