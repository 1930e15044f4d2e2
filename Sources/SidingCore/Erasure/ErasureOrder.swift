/// An order to erase a record: every value any operation ever wrote to it is dropped on every node
/// that holds it, while each change that carried one still fills its seq and verifies (the value seal,
/// `ValueSeal`). It is an operation of type 20 on the record itself, field `""`, in a format 2 change of
/// the record's circle; its body is empty, or the 16-byte nonce that proves its author made the record
/// (`RecordProvenance`). It is valid from the circle's owner, or from the record's creator with that
/// proof (Protocol/CHANGES.md, "Erasure").
public struct ErasureOrder: Hashable, Sendable {
    public static let actionType: UInt64 = 20

    public let record: EntityID
    /// The nonce the record's ID was made from; nil if the order does not claim its author made it.
    public let creatorNonce: [UInt8]?

    public init(erasing record: EntityID, creatorNonce: [UInt8]? = nil) {
        self.record = record
        self.creatorNonce = creatorNonce
    }

    /// The operation that orders `record` erased.
    public static func operation(erasing record: EntityID, creatorNonce: [UInt8]? = nil) -> Operation {
        Operation(entity: record, field: "", action: .unknown(type: actionType, body: creatorNonce ?? []))
    }

    /// The order `operation` gives, nil if it is no erasure order; throws if it claims to be one and is
    /// malformed (the change is then malformed everywhere alike).
    public init?(_ operation: Operation) throws(DecodingError) {
        guard case .unknown(Self.actionType, let body) = operation.action else { return nil }
        guard operation.entity.kind != .circle else { throw .malformed("a circle is not erased by an erasure order") }
        guard operation.field.isEmpty else { throw .malformed("an erasure order has no field name") }
        guard body.isEmpty || body.count == RecordProvenance.nonceByteCount else {
            throw .malformed("an erasure order's body is empty or a 16-byte nonce")
        }
        self.init(erasing: operation.entity, creatorNonce: body.isEmpty ? nil : body)
    }

    /// Whether the order proves that `author` made the record (the circle's owner needs no proof).
    public func isFromCreator(_ author: OriginKey) -> Bool {
        creatorNonce.map { RecordProvenance.proves($0, that: author.nodeID, made: record) } ?? false
    }
}

extension Change {
    /// The records this change orders erased (format 2 only: a network change carries none).
    public var erasureOrders: [ErasureOrder] {
        guard circleLog != nil else { return [] }
        return operations.compactMap { try? ErasureOrder($0) }
    }

    /// This change with every value it wrote to `records` dropped (nil if it wrote none, or for a
    /// network change, which has no seal). Operations on other records keep their values, so a change
    /// that touched an erased record and others (a merge, a participant list) loses only what was the
    /// erased record's.
    public func redacting(records: Set<EntityID>) -> Change? {
        let erasing = Set(
            operations.indices.filter { records.contains(operations[$0].entity) && operations[$0].action.committedValue != nil })
        guard !erasing.isSubset(of: erasedOperations) else { return nil }
        return redacting(erasing)
    }
}
