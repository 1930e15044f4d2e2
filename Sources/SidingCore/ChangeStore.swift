/// What sync needs of storage, declared here so sync depends on this protocol and never on SQLite.
public protocol ChangeStore: Sendable {
    /// For each origin, the highest seq held with no gap below it.
    func versionVector() async throws -> VersionVector
    /// Up to `limit` held changes of `origin` with seq > `after`, in seq order, as signed bytes.
    func changes(of origin: OriginKey, after: UInt64, limit: Int) async throws -> [[UInt8]]
    /// Every version held of `origin` at `seq`: the one in force first, then those kept as evidence
    /// of an equivocation.
    func versions(of origin: OriginKey, at seq: UInt64) async throws -> [[UInt8]]
    /// Applies changes received from session `session`, in one transaction: all of them or, on error
    /// (a gap), none. Duplicates change nothing; equivocations are kept as evidence. The commit is
    /// announced once, naming `session`, to whoever listens for commits (`CommitNotice`).
    func apply(_ changes: [VerifiedChange], deliveredBy session: UInt64) async throws -> [ApplyOutcome]
    /// Which held logs belong to a circle, and which of them are owners' logs (sent first).
    func circleLogs() async throws -> CircleLogIndex
    /// The circles of which both this node and `peer` are current members, in this node's view.
    func sharedCircles(with peer: NodeID) async throws -> Set<CircleID>
    /// `sharedCircles(with:)` for each of `peers` at once, folding each circle's membership once.
    func sharedCircles(withEach peers: [NodeID]) async throws -> [NodeID: Set<CircleID>]
    /// Remembers which parts of which circles were sent to `peer` (the circle audit).
    func recordDeliveries(_ deliveries: [CircleDelivery], to peer: NodeID) async throws
}

/// Which logs of the version vector belong to which circle. A log it does not list is a network log:
/// the store writes a circle log's row in the transaction that stores its first change, and a commit
/// notice names the circle of each log it advances, taken from the change itself.
public struct CircleLogIndex: Sendable, Equatable {
    public var circleOf: [OriginKey: CircleID]
    /// Each circle's owner's log (control before data: it is sent before the circle's other logs).
    public var ownerLogs: Set<OriginKey>

    public init(circleOf: [OriginKey: CircleID] = [:], ownerLogs: Set<OriginKey> = []) {
        self.circleOf = circleOf
        self.ownerLogs = ownerLogs
    }
}

/// What one commit added to the store: for each log that advanced, its new highest seq and the
/// session that delivered it (nil: written on this node, or by more than one session). A session learns from it what it may now
/// send, without reading the store's version vector again, and skips what its own partner sent.
public struct CommitNotice: Sendable, Equatable {
    public struct Advance: Sendable, Equatable {
        public var origin: OriginKey
        public var seq: UInt64
        public var deliveredBy: UInt64?
        /// The log's circle (nil: the network log), from the change itself.
        public var circle: CircleID?
        /// Whether it is a circle owner's log.
        public var isOwnerLog: Bool

        public init(origin: OriginKey, seq: UInt64, deliveredBy: UInt64?, circle: CircleID? = nil, isOwnerLog: Bool = false) {
            self.origin = origin
            self.seq = seq
            self.deliveredBy = deliveredBy
            self.circle = circle
            self.isOwnerLog = isOwnerLog
        }
    }

    public var advances: [Advance]
    /// Circles whose membership this commit changed: sessions read again what they may share.
    public var circlesChanged: Set<CircleID>

    public init(_ advances: [Advance] = [], circlesChanged: Set<CircleID> = []) {
        self.advances = advances
        self.circlesChanged = circlesChanged
    }

    /// The notice for `changes` of which `outcomes` says which were applied.
    public init(applied changes: [VerifiedChange], outcomes: [ApplyOutcome], deliveredBy session: UInt64?) {
        var highest: [OriginKey: Advance] = [:]
        var circlesChanged: Set<CircleID> = []
        for (change, outcome) in zip(changes, outcomes) where outcome == .applied {
            let log = change.circleLog
            let isOwnerLog = log?.epoch == 0
            highest[change.origin] = Advance(
                origin: change.origin, seq: max(highest[change.origin]?.seq ?? 0, change.seq), deliveredBy: session, circle: log?.circle,
                isOwnerLog: isOwnerLog)
            // Only control actions change who belongs; the owner's other writes are data like anyone's.
            if let log, !change.controlActions.isEmpty { circlesChanged.insert(log.circle) }
        }
        advances = Array(highest.values)
        self.circlesChanged = circlesChanged
    }

    /// Both notices in one: per origin the higher seq; a log advanced by two sessions keeps neither name
    /// (whoever reads it must look at it).
    public func merged(with other: CommitNotice) -> CommitNotice {
        var byOrigin: [OriginKey: Advance] = [:]
        for advance in advances + other.advances {
            guard let existing = byOrigin[advance.origin] else {
                byOrigin[advance.origin] = advance
                continue
            }
            let seq = max(existing.seq, advance.seq)
            let deliveredBy = existing.deliveredBy == advance.deliveredBy ? existing.deliveredBy : nil
            byOrigin[advance.origin] = Advance(
                origin: advance.origin, seq: seq, deliveredBy: deliveredBy, circle: advance.circle, isOwnerLog: advance.isOwnerLog)
        }
        return CommitNotice(byOrigin.values.sorted { $0.origin < $1.origin }, circlesChanged: circlesChanged.union(other.circlesChanged))
    }

    public var isEmpty: Bool { advances.isEmpty && circlesChanged.isEmpty }
}
