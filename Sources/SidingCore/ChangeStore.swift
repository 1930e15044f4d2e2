/// What sync needs of storage, declared here so sync depends on this protocol and never on SQLite.
public protocol ChangeStore: Sendable {
    /// For each origin, the highest seq held with no gap below it.
    func versionVector() throws -> VersionVector
    /// Up to `limit` held changes of `origin` with seq > `after`, in seq order, as signed bytes.
    func changes(of origin: OriginKey, after: UInt64, limit: Int) throws -> [[UInt8]]
    /// Verifies and applies received changes in one transaction: all of them or, on error, none.
    func receive(_ encodedChanges: [[UInt8]]) throws -> [ApplyOutcome]
}
