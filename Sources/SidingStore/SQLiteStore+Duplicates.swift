import SidingCore

extension SQLiteStore {
    /// Every live contact that has an e-mail, a phone or an organisation, as `DuplicateFinder` reads
    /// it; one snapshot. Each query walks an index (set members by field, entities by ID) rather than
    /// every field of every record.
    public func duplicateCandidates() throws -> [DuplicateFinder.Contact] {
        try read { connection in
            let live = "e.kind = \(EntityKind.contact.rawValue) AND e.deleted = 0"
            var contacts: [String: (name: String, organization: String, emails: [String], phones: [String])] = [:]
            for field in [ContactSchema.emails.name, ContactSchema.phones.name] {
                let rows = try connection.statement(
                    sql: "SELECT s.entity, s.element FROM set_members s JOIN entities e ON e.entity = s.entity WHERE s.field = ? AND \(live)"
                ).bind(.text(field)).rows { ($0.text(0) ?? "", $0.text(1) ?? "") }
                for (entity, element) in rows {
                    if field == ContactSchema.emails.name {
                        contacts[entity, default: ("", "", [], [])].emails.append(element)
                    } else {
                        contacts[entity, default: ("", "", [], [])].phones.append(element)
                    }
                }
            }
            let organizations = try connection.statement(
                sql: """
                    SELECT e.entity, o.value FROM entities e
                    JOIN field_values o ON o.entity = e.entity AND o.field = ? AND o.value <> ''
                    WHERE \(live)
                    """
            ).bind(.text(ContactSchema.organization.name)).rows { ($0.text(0) ?? "", $0.text(1) ?? "") }
            for (entity, organization) in organizations { contacts[entity, default: ("", "", [], [])].organization = organization }
            // Names only of the candidates: a contact with nothing to compare by is nobody's duplicate.
            let names = try connection.statement(
                sql: """
                    SELECT e.entity, n.value FROM entities e JOIN field_values n ON n.entity = e.entity AND n.field = ?
                    WHERE \(live)
                    """
            ).bind(.text(ContactSchema.name.name)).rows { ($0.text(0) ?? "", $0.text(1) ?? "") }
            for (entity, name) in names where contacts[entity] != nil { contacts[entity]?.name = name }
            return contacts.compactMap { entity, contact in
                EntityID(entity).map {
                    DuplicateFinder.Contact(
                        id: $0, name: contact.name, organization: contact.organization, emails: contact.emails, phones: contact.phones)
                }
            }
        }
    }

    /// Each deleted contact that was merged into another, with the ID it points at (the shown value).
    public func mergePointers() throws -> [EntityID: EntityID] {
        try read { connection in
            let rows = try connection.statement(
                sql: """
                    SELECT e.entity, f.value FROM entities e JOIN field_values f ON f.entity = e.entity AND f.field = ?
                    WHERE e.kind = \(EntityKind.contact.rawValue) AND e.deleted = 1
                    """
            ).bind(.text(ContactSchema.mergedInto.name)).rows { ($0.text(0) ?? "", $0.text(1) ?? "") }
            var pointers: [EntityID: EntityID] = [:]
            for (entity, target) in rows {
                guard let from = EntityID(entity), let to = EntityID(target) else { continue }
                pointers[from] = to
            }
            return pointers
        }
    }
}
