/// What a merge did, for the report a user reads: counts of what KEEP gained and which notes changed.
public struct MergeSummary: Hashable, Sendable {
    public var emails = 0
    public var phones = 0
    public var tags = 0
    /// Registers KEEP had empty and took from an OTHER (role, country, …), in schema order.
    public var filledFields: [String] = []
    /// Notes that listed an OTHER as participant and now list KEEP, in ID order.
    public var notes: [EntityID] = []

    public init() {}
}

/// Why a merge was refused; the message says what to do instead.
public enum MergeRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    case notAContact(EntityID)
    case intoItself(EntityID)
    case keepDeleted(EntityID)
    case otherDeleted(EntityID, mergedInto: String?)

    public var description: String {
        switch self {
        case .notAContact(let id): "\(id) is not a contact; only contacts are merged"
        case .intoItself(let id): "\(id) is given both to keep and to merge; a record cannot be merged into itself"
        case .keepDeleted(let id):
            "\(id), the record to keep, is deleted; restore it first (`siding contact restore \(id)`) or keep another record"
        case .otherDeleted(let id, let target):
            "\(id) is already deleted\(target.map { " (merged into \($0))" } ?? "")"
                + "; restore it first (`siding contact restore \(id)`) if it should be merged"
        }
    }
}

/// Plans `siding contact merge KEEP OTHER...` as the operations of one change, from the current states
/// of the records involved (no I/O: the daemon reads the states and commits the operations).
///
/// KEEP gains every set element of each OTHER it lacks (e-mails, phones, tags, and sets this version
/// does not know; an address or number it holds in another spelling counts as held), and each register it has empty from the first OTHER, in argument order, that has it.
/// Each OTHER is deleted (the ordinary tombstone) and points at KEEP (`ContactSchema.mergedInto`), so
/// everything it held is still there to restore. Notes listing an OTHER as participant list KEEP
/// instead.
///
/// Concurrent merges converge like any edits. Two partners merging the same pair in opposite
/// directions (one keeps X, the other keeps Y) both end deleted, each pointing at the other, each
/// holding the union: nothing is lost, but no live record shows the person. `siding contact
/// duplicates` reports such records as "merged into each other" with the commands that fix it:
/// restore both, then merge once more.
public enum MergePlanner {
    /// Registers a merge never copies: the tombstone and the pointer describe the record, not the person.
    static let recordFields: Set<String> = [EntityState.deletedField, ContactSchema.mergedInto.name]

    /// `notes` are the notes that list any of `others` as participant (others are ignored).
    public static func plan(keep: EntityState, others: [EntityState], notes: [EntityState]) throws(MergeRefusal)
        -> (operations: [Operation], summary: MergeSummary)
    {
        for record in [keep] + others where record.id.kind != .contact { throw .notAContact(record.id) }
        if keep.isDeleted { throw .keepDeleted(keep.id) }
        var seen: Set<EntityID> = []
        for other in others {
            if other.id == keep.id { throw .intoItself(keep.id) }
            if other.isDeleted { throw .otherDeleted(other.id, mergedInto: other.value(ContactSchema.mergedInto.name)) }
            seen.insert(other.id)
        }
        var edit = Edit()
        var summary = MergeSummary()
        var additionKeys: [String: Set<String>] = [:]
        for other in others {
            for (field, members) in other.sets.sorted(by: { $0.key < $1.key }) {
                let key = elementKey(field)
                var held = additionKeys[field] ?? Set((keep.sets[field] ?? [:]).keys.map(key))
                for element in members.keys.sorted() where held.insert(key(element)).inserted {
                    edit.additions[field, default: []].append(element)
                }
                additionKeys[field] = held
            }
            for (field, values) in other.registers.sorted(by: { $0.key < $1.key }) where !recordFields.contains(field) {
                guard let value = values.first?.value, !value.isEmpty, (keep.value(field) ?? "").isEmpty, edit.writes[field] == nil else {
                    continue
                }
                edit.writes[field] = value
            }
        }
        summary.emails = edit.additions[ContactSchema.emails.name]?.count ?? 0
        summary.phones = edit.additions[ContactSchema.phones.name]?.count ?? 0
        summary.tags = edit.additions[ContactSchema.tags.name]?.count ?? 0
        let declared = ContactSchema.schema.fields.map(\.name)
        summary.filledFields = edit.writes.keys.sorted { (declared.firstIndex(of: $0) ?? .max, $0) < (declared.firstIndex(of: $1) ?? .max, $1) }

        var operations = EditPlanner.operations(for: edit, on: keep.id, current: keep)
        for other in others {
            let tombstone = Edit(writes: Edit.delete.writes.merging([ContactSchema.mergedInto.name: keep.id.description]) { $1 })
            operations += EditPlanner.operations(for: tombstone, on: other.id, current: other)
        }
        let participants = NoteSchema.participants.name
        for note in notes.sorted(by: { $0.id < $1.id }) {
            let listed = (note.sets[participants] ?? [:]).filter { EntityID($0.key).map(seen.contains) ?? false }
            guard note.id.kind == .note, !listed.isEmpty, !note.isDeleted else { continue }
            for (element, dots) in listed.sorted(by: { $0.key < $1.key }) where !dots.isEmpty {
                operations.append(Operation(entity: note.id, field: participants, action: .remove(element: element, removes: dots.sorted())))
            }
            // Added afresh even when KEEP is listed already: a partner merging the other way at the same
            // time removes only the additions it saw, so the note keeps naming the person either way.
            operations.append(Operation(entity: note.id, field: participants, action: .add(element: keep.id.description)))
            summary.notes.append(note.id)
        }
        return (operations, summary)
    }

    /// What a restore adds for a contact that was merged: the pointer is cleared, as the record stands
    /// for itself again.
    public static func unlinking(_ current: EntityState) -> [Operation] {
        guard current.id.kind == .contact, !(current.value(ContactSchema.mergedInto.name) ?? "").isEmpty else { return [] }
        return EditPlanner.operations(for: Edit(writes: [ContactSchema.mergedInto.name: ""]), on: current.id, current: current)
    }

    /// What a delete adds for a contact merged on two nodes at once: the pointer's surviving values are
    /// replaced by the one shown, so the field is no longer in conflict (users cannot write it).
    public static func settlingPointer(_ current: EntityState) -> [Operation] {
        let field = ContactSchema.mergedInto.name
        guard current.id.kind == .contact, let values = current.registers[field], values.count > 1 else { return [] }
        let write = Operation.Action.write(value: values[0].value, replaces: values.map(\.dot).sorted())
        return [Operation(entity: current.id, field: field, action: write)]
    }

    /// Deleted contacts that point at each other in a ring (X merged into Y on one node while Y was
    /// merged into X on another): each ring once, its IDs sorted, rings by first ID. `pointers` maps
    /// each deleted contact to the record it was merged into.
    public static func rings(_ pointers: [EntityID: EntityID]) -> [[EntityID]] {
        var rings: Set<[EntityID]> = []
        for start in pointers.keys {
            var path: [EntityID] = [start]
            var current = start
            while let next = pointers[current], path.count <= pointers.count {
                if let loop = path.firstIndex(of: next) {
                    rings.insert(path[loop...].sorted())
                    break
                }
                path.append(next)
                current = next
            }
        }
        return rings.sorted { $0[0] < $1[0] }
    }

    /// How a merge tells whether KEEP already has an element: as the schema compares the field's
    /// elements, and e-mails and phones as `DuplicateFinder` matches them (`LI@x.org` is `li@x.org`,
    /// `+4930-1234` is `+49 30 1234`), so KEEP does not gain the same address spelled twice.
    private static func elementKey(_ field: String) -> (String) -> String {
        if field == ContactSchema.emails.name { return { $0.lowercased() } }
        if field == ContactSchema.phones.name { return { DuplicateFinder.phoneKey($0) ?? $0 } }
        guard let spec = Schema.field(field, of: .contact), spec.ignoresCase else { return { $0 } }
        return spec.elementKey
    }
}
