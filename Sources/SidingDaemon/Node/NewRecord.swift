import SidingCore
import SidingStore

/// A record this node is about to make. Its ID binds this node (`RecordProvenance`), and the nonce
/// that proves it is kept with the record's first change, so this node can later erase the record
/// without owning its circle.
struct NewRecord {
    let id: EntityID
    private let nonce: [UInt8]

    init(_ kind: EntityKind, madeBy node: NodeID) throws {
        var random = SystemRandomNumberGenerator()
        let nonce = (0..<RecordProvenance.nonceByteCount).map { _ in UInt8.random(in: 0...255, using: &random) }
        guard let id = RecordProvenance.id(kind: kind, creator: node, nonce: nonce) else { throw NodeError.storage("cannot make an ID") }
        self.id = id
        self.nonce = nonce
    }

    /// Called in the transaction that writes the record's first change.
    func remember(in transaction: StoreWriter) throws { try transaction.rememberMaking(id, nonce: nonce) }
}
