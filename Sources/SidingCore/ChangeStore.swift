/// What sync needs of storage, declared here so sync depends on this protocol and never on SQLite.
public protocol ChangeStore: Sendable {
    /// For each origin, the highest seq held with no gap below it.
    func versionVector() async throws -> VersionVector
    /// Up to `limit` held changes of `origin` with seq > `after`, in seq order, as signed bytes.
    func changes(of origin: OriginKey, after: UInt64, limit: Int) async throws -> [[UInt8]]
    /// Applies changes received from session `session`, in one transaction: all of them or, on error
    /// (a gap), none. Duplicates change nothing; equivocations are kept as evidence. The commit is
    /// announced once, naming `session`, to whoever listens for commits (`CommitNotice`).
    func apply(_ changes: [VerifiedChange], deliveredBy session: UInt64) async throws -> [ApplyOutcome]
}

/// What one commit added to the store: for each log that advanced, its new highest seq and the
/// session that delivered it (nil: written on this node, or by more than one session). A session learns from it what it may now
/// send, without reading the store's version vector again, and skips what its own partner sent.
public struct CommitNotice: Sendable, Equatable {
    public struct Advance: Sendable, Equatable {
        public var origin: OriginKey
        public var seq: UInt64
        public var deliveredBy: UInt64?

        public init(origin: OriginKey, seq: UInt64, deliveredBy: UInt64?) {
            self.origin = origin
            self.seq = seq
            self.deliveredBy = deliveredBy
        }
    }

    public var advances: [Advance]

    public init(_ advances: [Advance] = []) { self.advances = advances }

    /// The notice for `changes` of which `outcomes` says which were applied.
    public init(applied changes: [VerifiedChange], outcomes: [ApplyOutcome], deliveredBy session: UInt64?) {
        var highest: [OriginKey: UInt64] = [:]
        for (change, outcome) in zip(changes, outcomes) where outcome == .applied {
            highest[change.origin] = max(highest[change.origin] ?? 0, change.seq)
        }
        advances = highest.map { Advance(origin: $0.key, seq: $0.value, deliveredBy: session) }
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
            byOrigin[advance.origin] = Advance(origin: advance.origin, seq: seq, deliveredBy: deliveredBy)
        }
        return CommitNotice(byOrigin.values.sorted { $0.origin < $1.origin })
    }

    public var isEmpty: Bool { advances.isEmpty }
}
