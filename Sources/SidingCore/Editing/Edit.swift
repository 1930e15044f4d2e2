/// What one local command asks to change on one entity, before it becomes operations.
public struct Edit: Hashable, Sendable {
    public var writes: [String: String]
    public var additions: [String: [String]]
    public var removals: [String: [String]]

    public init(writes: [String: String] = [:], additions: [String: [String]] = [:], removals: [String: [String]] = [:]) {
        self.writes = writes
        self.additions = additions
        self.removals = removals
    }

    /// The edit that deletes an entity: a tombstone register.
    public static let delete = Edit(writes: [EntityState.deletedField: EntityState.deletedValue])

    /// The edit that restores a deleted entity: a write of the tombstone register replacing the values
    /// it saw, so a concurrent delete survives beside it as a conflict instead of being lost.
    public static let restore = Edit(writes: [EntityState.deletedField: EntityState.restoredValue])
}

/// Turns an edit into operations against the entity's current state. Writes name every surviving value
/// they replace (so writing a conflicted field resolves it everywhere); removals name every live addition
/// of the element they observed; steps that would change nothing are left out.
public enum EditPlanner {
    public static func operations(for edit: Edit, on entity: EntityID, current: EntityState?) -> [Operation] {
        var operations: [Operation] = []
        for (field, value) in edit.writes.sorted(by: { $0.key < $1.key }) {
            let surviving = current?.registers[field] ?? []
            if surviving.count == 1, surviving[0].value == value { continue }
            if surviving.isEmpty, value.isEmpty { continue }
            let replaces = surviving.map(\.dot).sorted()
            operations.append(Operation(entity: entity, field: field, action: .write(value: value, replaces: replaces)))
        }
        for (field, elements) in edit.additions.sorted(by: { $0.key < $1.key }) {
            // Elements the field holds as one (`Water` and `water` in tags) are added once, in the
            // spelling seen first; an element already held in any spelling is not added again.
            let key = elementKey(field, of: entity.kind)
            var held = Set((current?.sets[field] ?? [:]).keys.map(key))
            for element in elements where held.insert(key(element)).inserted {
                operations.append(Operation(entity: entity, field: field, action: .add(element: element)))
            }
        }
        for (field, elements) in edit.removals.sorted(by: { $0.key < $1.key }) {
            let key = elementKey(field, of: entity.kind)
            let removed = Set(elements.map(key))
            for (member, dots) in (current?.sets[field] ?? [:]).sorted(by: { $0.key < $1.key }) where removed.contains(key(member)) {
                guard !dots.isEmpty else { continue }
                operations.append(Operation(entity: entity, field: field, action: .remove(element: member, removes: dots.sorted())))
            }
        }
        return operations
    }

    /// How the schema compares the field's elements; exact for fields it does not declare.
    private static func elementKey(_ field: String, of kind: EntityKind) -> (String) -> String {
        guard let spec = Schema.field(field, of: kind), spec.ignoresCase else { return { $0 } }
        return spec.elementKey
    }
}
