/// What sync needs of storage, declared here so sync depends on this protocol and never on SQLite.
public protocol ChangeStore: Sendable {
    /// For each origin, the highest seq held with no gap below it.
    func versionVector() async throws -> VersionVector
    /// Up to `limit` held changes of `origin` with seq > `after`, in seq order, as signed bytes.
    func changes(of origin: OriginKey, after: UInt64, limit: Int) async throws -> [[UInt8]]
    /// Applies changes whose signatures were verified, in one transaction: all of them or, on error
    /// (a gap), none. Duplicates change nothing; equivocations are kept as evidence.
    func apply(_ changes: [Change]) async throws -> [ApplyOutcome]
}
