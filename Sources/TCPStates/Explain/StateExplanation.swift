/// What a state means, who is in it, how long it lasts on Linux, and what
/// many sockets in it point to: the content of `tcpstates explain STATE`.
public struct StateExplanation: Sendable {
    public let state: TCPState
    /// The kernel's names for it (include/net/tcp_states.h).
    public let kernelNames: [String]
    /// How `ss` prints it.
    public let ssName: String
    /// How `netstat` prints it.
    public let netstatName: String
    /// One line: what the state is.
    public let meaning: String
    /// Which end of a connection is in it: the active or passive opener or closer.
    public let side: String
    /// How long a socket normally stays in it on Linux, and what bounds that.
    public let duration: String
    /// What a pile-up of sockets in this state means and where to look.
    public let pileUp: String

    /// The arrows into this state, from the diagram.
    public var arrivals: [DiagramArrow] { DiagramArrow.into(state) }
    /// The arrows out of this state, from the diagram.
    public var departures: [DiagramArrow] { DiagramArrow.out(of: state) }

    /// The explanation of `state`.
    public static func of(_ state: TCPState) -> StateExplanation {
        // `all` has one entry per case, in case order; a test holds it to that.
        all[Int(state.rawValue)]
    }

    /// The explanations of the states a `--state` word names (any spelling or
    /// group), in diagram order.
    public static func parsing(_ word: String) throws(FilterError) -> [StateExplanation] {
        try StateSet(parsing: word).states.map(of)
    }
}
