import Foundation
import SidingCore

/// What `siding status` shows of one partner.
public struct PeerStatus: Sendable, Equatable {
    public var nodeID: NodeID
    public var name: String
    public var address: String?
    public var connected = false
    public var lastConnected: Date?
    public var lastError: String?
    /// Seconds until the next dial attempt, while backing off.
    public var backoffSeconds: Double?
    /// What the partner holds as far as this node knows (its summary plus what it sent or acknowledged).
    public var peerVector = VersionVector()
    /// The partner's summary in its latest session, as it sent it (nothing this node sent since is in it).
    public var summary = VersionVector()
    /// What the partner acknowledged having (committed on its side).
    public var acknowledgedVector = VersionVector()
    public var changesSent = 0
    public var changesReceived = 0
    public var batchesSent = 0
    public var batchesReceived = 0
    public var duplicatesReceived = 0
    public var equivocationsReceived = 0
    /// Changes of circles this node does not store (not a member, author not admitted, past a cut).
    public var refusedReceived = 0
    public var lastSync: Date?
    /// When any frame last arrived from the partner.
    public var lastHeard: Date?
    /// Changes the partner holds that this node lacks, and the reverse (from the version vectors).
    public var missingHere = 0
    public var missingThere = 0
    /// Dial attempts so far (`siding sync --wait` uses it to tell unreachable partners from slow ones).
    public var dialAttempts = 0
    public var failedDials = 0
    /// How far the partner's clock was ahead of ours (negative: behind) when the session began.
    public var clockOffsetMilliseconds: Int64?
    /// The last session that got past Hello and Summary: the partner was reachable and well-behaved.
    var establishedSession: UInt64?

    /// Whether a session ever got as far as the partner's summary: until then what it holds is unknown.
    public var summarySeen: Bool { establishedSession != nil }

    public init(nodeID: NodeID, name: String, address: String?) {
        self.nodeID = nodeID
        self.name = name
        self.address = address
    }

    /// Σ over origins of how far `ahead` is beyond `behind`.
    static func lead(of ahead: VersionVector, over behind: VersionVector) -> Int {
        ahead.entries.reduce(0) { sum, entry in sum + Int(entry.value > behind[entry.key] ? entry.value - behind[entry.key] : 0) }
    }
}

/// Live per-partner state, written by sessions and dialers, read by status. Lock-protected.
final class PeerStatusBook: @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [NodeID: PeerStatus] = [:]
    /// The session whose reports count for each partner; a replaced or ended session's late reports
    /// must not overwrite the live one's.
    private var currentSession: [NodeID: UInt64] = [:]

    func makeCurrent(_ session: UInt64, for id: NodeID) { lock.withLock { currentSession[id] = session } }

    /// Applies `change` only if `session` is the partner's current session.
    func update(_ id: NodeID, session: UInt64, _ change: (inout PeerStatus) -> Void) {
        lock.withLock {
            guard currentSession[id] == session, var status = statuses[id] else { return }
            change(&status)
            statuses[id] = status
        }
    }

    func update(_ id: NodeID, name: String = "", address: String? = nil, _ change: (inout PeerStatus) -> Void) {
        lock.withLock {
            var status = statuses[id] ?? PeerStatus(nodeID: id, name: name, address: address)
            change(&status)
            statuses[id] = status
        }
    }

    func remove(_ id: NodeID) { _ = lock.withLock { statuses.removeValue(forKey: id) } }
    func status(_ id: NodeID) -> PeerStatus? { lock.withLock { statuses[id] } }
}
