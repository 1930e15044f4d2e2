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
            for element in Set(elements).sorted() where current?.sets[field]?[element] == nil {
                operations.append(Operation(entity: entity, field: field, action: .add(element: element)))
            }
        }
        for (field, elements) in edit.removals.sorted(by: { $0.key < $1.key }) {
            for element in Set(elements).sorted() {
                guard let dots = current?.sets[field]?[element], !dots.isEmpty else { continue }
                operations.append(Operation(entity: entity, field: field, action: .remove(element: element, removes: dots.sorted())))
            }
        }
        return operations
    }
}
