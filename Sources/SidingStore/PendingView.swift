import SidingCore

/// What the operations appended in one transaction did to one entity's part of the merged view, kept
/// in memory until the view is refreshed. For an entity created in this transaction whose operations
/// nothing retired, all of its state is here, so its winners, members and search row are written
/// without reading anything back: that is the bulk of catching up, and of what people create.
struct PendingEntity {
    struct Element: Hashable { let field: String; let element: String }

    /// Set when the entity's row was created in this transaction.
    var createdRowID: Int64?
    /// Live writes appended in this transaction, per register (an empty list: written, not live).
    private(set) var writes: [String: [RegisterValue]] = [:]
    /// Set elements appended in this transaction, and whether any addition of each is live.
    private(set) var additions: [Element: Bool] = [:]
    /// Registers and elements one of whose values was retired in this transaction.
    private(set) var retiredFields: Set<String> = []
    private(set) var retiredElements: Set<Element> = []

    mutating func wrote(_ value: RegisterValue, to field: String, live: Bool) {
        if live { writes[field, default: []].append(value) } else if writes[field] == nil { writes[field] = [] }
    }

    mutating func added(_ element: Element, live: Bool) { additions[element] = (additions[element] ?? false) || live }
    mutating func retired(field: String) { retiredFields.insert(field) }
    mutating func retired(_ element: Element) { retiredElements.insert(element) }

    /// Each register and element this transaction touched, once (retirements mostly touch nothing new).
    var touchedFields: [String] { Array(writes.keys) + retiredFields.filter { writes[$0] == nil } }
    var touchedElements: [Element] { Array(additions.keys) + retiredElements.filter { additions[$0] == nil } }

    /// Forgets what is known without the store: every register and element touched is read back at the
    /// refresh (a failed job's writes were rolled back, and what it recorded here is no longer true).
    mutating func forgetWhatIsKnown() {
        createdRowID = nil
        retiredFields.formUnion(writes.keys)
        retiredElements.formUnion(additions.keys)
        writes = [:]
        additions = [:]
    }

    /// Whether nothing about this entity needs reading back from the store.
    var isKnown: Bool { createdRowID != nil && retiredFields.isEmpty && retiredElements.isEmpty }

    /// The register's surviving values, winner first, when they are known without the store.
    func knownValues(of field: String) -> [RegisterValue]? {
        guard createdRowID != nil, !retiredFields.contains(field) else { return nil }
        let values = writes[field] ?? []
        return values.count < 2 ? values : values.sorted(by: RegisterValue.winsOver)
    }

    /// Whether the element is a member, when that is known without the store.
    func knownPresence(of element: Element) -> Bool? {
        guard createdRowID != nil, !retiredElements.contains(element) else { return nil }
        return additions[element] ?? false
    }

    /// Whether a known entity is deleted: some surviving write of the deleted flag says so.
    var knownDeleted: Bool { (writes[EntityState.deletedField] ?? []).contains { $0.value == EntityState.deletedValue } }

    /// The texts the search index shows for a known entity: shown register values by field, then set
    /// members by field and element, in the order the store's own tables return them (bytewise), so
    /// both paths build the same row.
    var knownTexts: [(field: String, value: String)] {
        let registers = writes.compactMap { field, values in values.max(by: { RegisterValue.winsOver($1, $0) }).map { (field, $0.value) } }
        let members = additions.filter(\.value).map { (field: $0.key.field, value: $0.key.element) }
        return registers.sorted(by: Self.bytewise) + members.sorted(by: Self.bytewise)
    }

    private static func bytewise(_ lhs: (field: String, value: String), _ rhs: (field: String, value: String)) -> Bool {
        lhs.field == rhs.field
            ? lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8) : lhs.field.utf8.lexicographicallyPrecedes(rhs.field.utf8)
    }
}
