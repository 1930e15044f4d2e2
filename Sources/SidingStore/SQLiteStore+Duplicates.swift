import SidingCore

extension SQLiteStore {
    /// The live contacts that may be duplicates, as `DuplicateFinder` reads them; one snapshot.
    ///
    /// SQLite does the bulk of the matching so that 100,000 contacts cost one pass over two indexes:
    /// it groups by a key at least as coarse as `DuplicateFinder`'s on letters it can fold (ASCII case,
    /// spaces and phone separators dropped) and returns only rows whose key another contact shares,
    /// plus every row with a character it cannot fold, which `DuplicateFinder` then compares exactly.
    public func duplicateCandidates() throws -> [DuplicateFinder.Contact] {
        try read { connection in
            var contacts: [String: (name: String, organization: String, emails: [String], phones: [String])] = [:]
            let live = "e.kind = \(EntityKind.contact.rawValue) AND e.deleted = 0"
            // Outside printable ASCII, or (phones) anything left besides digits after a leading +.
            let emails = try connection.statement(
                sql: """
                    WITH m AS (SELECT s.entity, s.element, lower(s.element) AS k FROM set_members s JOIN entities e ON e.entity = s.entity
                        WHERE s.field = ? AND \(live))
                    SELECT entity, element FROM m WHERE k IN (SELECT k FROM m GROUP BY k HAVING count(*) > 1) OR k GLOB '*[^ -~]*'
                    """
            ).bind(.text(ContactSchema.emails.name)).rows { ($0.text(0) ?? "", $0.text(1) ?? "") }
            for (entity, element) in emails { contacts[entity, default: ("", "", [], [])].emails.append(element) }
            let phones = try connection.statement(
                sql: """
                    WITH m AS (SELECT s.entity, s.element,
                        replace(replace(replace(replace(replace(replace(s.element, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '/', '') AS k
                        FROM set_members s JOIN entities e ON e.entity = s.entity WHERE s.field = ? AND \(live))
                    SELECT entity, element FROM m WHERE k IN (SELECT k FROM m GROUP BY k HAVING count(*) > 1)
                        OR NOT (k GLOB '[+0-9]*' AND substr(k, 2) NOT GLOB '*[^0-9]*')
                    """
            ).bind(.text(ContactSchema.phones.name)).rows { ($0.text(0) ?? "", $0.text(1) ?? "") }
            for (entity, element) in phones { contacts[entity, default: ("", "", [], [])].phones.append(element) }
            let named = try connection.statement(
                sql: """
                    WITH m AS (SELECT e.entity, n.value AS name, o.value AS organization,
                        lower(replace(n.value, ' ', '')) || char(31) || lower(replace(o.value, ' ', '')) AS k
                        FROM entities e JOIN field_values o ON o.entity = e.entity AND o.field = ?1 AND o.value <> ''
                        JOIN field_values n ON n.entity = e.entity AND n.field = ?2 WHERE \(live))
                    SELECT entity, name, organization FROM m
                    WHERE k IN (SELECT k FROM m GROUP BY k HAVING count(*) > 1) OR k GLOB '*[^ -~]*'
                    """
            ).bind(.text(ContactSchema.organization.name), .text(ContactSchema.name.name)).rows {
                ($0.text(0) ?? "", $0.text(1) ?? "", $0.text(2) ?? "")
            }
            for (entity, name, organization) in named {
                contacts[entity, default: ("", "", [], [])].name = name
                contacts[entity]?.organization = organization
            }
            // Names of the candidates found by e-mail or phone alone, for the report.
            let unnamed = contacts.filter { $0.value.name.isEmpty }.map(\.key)
            if !unnamed.isEmpty {
                let list = SQLValue.text("[" + unnamed.map { "\"\($0)\"" }.joined(separator: ",") + "]")
                let names = try connection.statement(
                    "SELECT entity, value FROM field_values WHERE field = ? AND entity IN (SELECT value FROM json_each(?))"
                ).bind(.text(ContactSchema.name.name), list).rows { ($0.text(0) ?? "", $0.text(1) ?? "") }
                for (entity, name) in names { contacts[entity]?.name = name }
            }
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
