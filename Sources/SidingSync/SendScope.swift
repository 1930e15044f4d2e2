import SidingCore

/// What a session may write to its peer (Protocol/SPEC.md §6): network logs always; a circle's logs only
/// on a version 2 session and only while the circle is shared with the peer. Fails closed: a log is
/// sent only if it is known to be a network log or known to belong to a shared circle.
struct SendScope: Sendable, Equatable {
    /// The session's protocol version (0 until the peer's Hello).
    var version: UInt32 = 0
    var networkLogs: Set<OriginKey> = []
    var circleOf: [OriginKey: CircleID] = [:]
    /// Owners' logs: sent before any other log of their circle.
    var ownerLogs: Set<OriginKey> = []
    /// Circles both this node and the peer are members of, in this node's latest view.
    var shared: Set<CircleID> = []
    /// Whether the peer takes redacted network changes (format 3).
    var carriesNetworkRedactions = false
    /// Network logs held back from a peer that does not, from their first redacted change on: sending
    /// past it would leave the peer a gap.
    var withheld: Set<OriginKey> = []

    var carriesCircles: Bool { version >= 2 }

    func allows(_ log: OriginKey) -> Bool {
        guard !withheld.contains(log) else { return false }
        if networkLogs.contains(log) { return true }
        guard carriesCircles, let circle = circleOf[log] else { return false }
        return shared.contains(circle)
    }

    /// Judged by the change's own bytes: a format 2 change belongs to the circle it names.
    func allows(_ change: Change) -> Bool {
        guard !withheld.contains(change.origin) else { return false }
        if change.networkRedaction != nil { return carriesNetworkRedactions }
        guard let circle = change.circle else { return true }
        return carriesCircles && shared.contains(circle)
    }

    /// Logs of the summary: those the index does not list are network logs (the store writes a circle
    /// log's row in the transaction that stores its first change, and the index is read after the vector).
    mutating func learn(_ index: CircleLogIndex, logs: some Sequence<OriginKey>) {
        for log in logs { learn(log, circle: index.circleOf[log]) }
        ownerLogs.formUnion(index.ownerLogs)
    }

    mutating func learn(_ log: OriginKey, circle: CircleID?, isOwnerLog: Bool = false) {
        if let circle {
            circleOf[log] = circle
            networkLogs.remove(log)
            if isOwnerLog { ownerLogs.insert(log) }
        } else if circleOf[log] == nil {
            networkLogs.insert(log)
        }
    }
}
