/// An order to erase a record: every value any operation ever wrote to it is dropped on every node
/// that holds it, while each change that carried one still fills its seq and verifies (the value seal,
/// `ValueSeal`). It is an operation of type 20 on the record itself, field `""`, empty body, in a
/// format 2 change of the record's circle, valid from the record's creator or the circle's owner
/// (Protocol/CHANGES.md, "Erasure").
public enum ErasureOrder {
    public static let actionType: UInt64 = 20

    /// The operation that orders `record` erased.
    public static func operation(erasing record: EntityID) -> Operation {
        Operation(entity: record, field: "", action: .unknown(type: actionType, body: []))
    }

    /// The record `operation` orders erased, nil if it is no erasure order; throws if it claims to be
    /// one and is malformed (the change is then malformed everywhere alike).
    public static func record(orderedBy operation: Operation) throws(DecodingError) -> EntityID? {
        guard case .unknown(actionType, let body) = operation.action else { return nil }
        guard operation.entity.kind != .circle else { throw .malformed("a circle is not erased by an erasure order") }
        guard operation.field.isEmpty, body.isEmpty else { throw .malformed("an erasure order has no field name and no body") }
        return operation.entity
    }
}

extension Change {
    /// The records this change orders erased (format 2 only: a network change carries none).
    public var erasureOrders: [EntityID] {
        guard circleLog != nil else { return [] }
        return operations.compactMap { try? ErasureOrder.record(orderedBy: $0) }
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
