/// Which states `tcpstates kill` may end: the safe default, and LISTEN only
/// on request.
public enum KillStates {
    /// Without `--state`: every state but LISTEN (the service would stop
    /// accepting), TIME_WAIT (harmless, and killing it defeats its purpose)
    /// and CLOSED (no SOCK_DESTROY reaches a socket that never connected).
    public static let implicit = StateSet(TCPState.allCases.filter { ![.listen, .timeWait, .closed].contains($0) })

    /// The states the `--state` lists (comma-separated words, any spelling
    /// or group) and `--listening` choose, for killing: LISTEN only when a
    /// word names it (a group such as `all` does not) or `listening` is set,
    /// and never CLOSED. Empty lists and no `listening`: `implicit`.
    public static func choose(stateLists: [String], listening: Bool) throws(FilterError) -> StateSet {
        guard !stateLists.isEmpty || listening else { return implicit }
        var chosen = StateSet([])
        var namesListen = listening
        for list in stateLists {
            for word in list.split(separator: ",", omittingEmptySubsequences: false) {
                let states = try StateSet(parsing: String(word))
                if states == StateSet([.listen]) { namesListen = true }
                chosen.formUnion(states)
            }
        }
        var killable = StateSet(chosen.states.filter { $0 != .listen && $0 != .closed })
        if namesListen { killable.insert(.listen) }
        guard !killable.isEmpty else {
            throw FilterError("kill cannot end CLOSED sockets (bound, never connected): no SOCK_DESTROY reaches them")
        }
        return killable
    }
}
