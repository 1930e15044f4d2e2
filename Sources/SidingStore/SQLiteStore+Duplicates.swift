import SidingCore

extension SQLiteStore {
    /// The live contacts that may be duplicates, as `DuplicateFinder` reads them; one snapshot.
    ///
    /// SQLite does the bulk of the matching so that 100,000 contacts cost a pass over two indexes, not
    /// 100,000 records handed to Swift: per kind of match it computes a key at least as coarse as
    /// `DuplicateFinder`'s wherever it can fold the text (ASCII case, spaces, phone separators) and
    /// returns the rows whose key another contact shares. Rows it cannot fold (letters outside ASCII, a
    /// tab) are returned too, with the rows whose key equals their folded form, so `DuplicateFinder`,
    /// which compares exactly, misses no pair.
    public func duplicateCandidates() throws -> [DuplicateFinder.Contact] {
        try read { connection in
            var contacts: [String: (name: String, organization: String, emails: [String], phones: [String])] = [:]
            let live = "e.kind = \(EntityKind.contact.rawValue) AND e.deleted = 0"
            let emails = try Self.sharedKeys(
                """
                SELECT e.entity, s.element, '', lower(s.element) AS k, s.element NOT GLOB '*[^ -~]*' AS folded
                FROM set_elements s JOIN entities e ON e.id = s.entity WHERE s.field = ?1 AND \(live)
                """, .text(ContactSchema.emails.name), in: connection
            ) { row in
                let key = row.1.lowercased()
                return key.unicodeScalars.allSatisfy(\.isASCII) ? key : nil
            }
            for row in emails { contacts[row.0, default: ("", "", [], [])].emails.append(row.1) }
            let separators = "replace(replace(replace(replace(replace(replace(s.element, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '/', '')"
            let phones = try Self.sharedKeys(
                """
                SELECT e.entity, s.element, '', \(separators) AS k,
                    (\(separators) GLOB '[+0-9]*' AND substr(\(separators), 2) NOT GLOB '*[^0-9]*') AS folded
                FROM set_elements s JOIN entities e ON e.id = s.entity WHERE s.field = ?1 AND \(live)
                """, .text(ContactSchema.phones.name), in: connection
            ) { DuplicateFinder.phoneKey($0.1) }
            for row in phones { contacts[row.0, default: ("", "", [], [])].phones.append(row.1) }
            // CROSS JOIN keeps SQLite walking the small entities table and looking fields up by key,
            // rather than scanning every field value (bios included) for the names.
            let named = try Self.sharedKeys(
                """
                SELECT e.entity, n.value, o.value, lower(replace(n.value, ' ', '')) || char(31) || lower(replace(o.value, ' ', '')) AS k,
                    (n.value || o.value) NOT GLOB '*[^ -~]*' AS folded
                FROM entities e CROSS JOIN field_winners o ON o.entity = e.id AND o.field = ?1 AND o.value <> ''
                CROSS JOIN field_winners n ON n.entity = e.id AND n.field = ?2 WHERE \(live)
                """, .text(ContactSchema.organization.name), .text(ContactSchema.name.name), in: connection
            ) { row in
                let key = (DuplicateFinder.spacingKey(row.1) + "\u{1F}" + DuplicateFinder.spacingKey(row.2)).replacingOccurrences(of: " ", with: "")
                return key.unicodeScalars.allSatisfy(\.isASCII) ? key : nil
            }
            for row in named {
                contacts[row.0, default: ("", "", [], [])].name = row.1
                contacts[row.0]?.organization = row.2
            }
            // Names of the candidates found by e-mail or phone alone, for the report.
            let unnamed = contacts.filter { $0.value.name.isEmpty }.map(\.key)
            if !unnamed.isEmpty {
                let names = try connection.statement(
                    """
                    SELECT e.entity, f.value FROM entities e JOIN field_winners f ON f.entity = e.id AND f.field = ?
                    WHERE e.entity IN (SELECT value FROM json_each(?))
                    """
                ).bind(.text(ContactSchema.name.name), Self.jsonList(unnamed)).rows { ($0.text(0) ?? "", $0.text(1) ?? "") }
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

    /// Rows `(entity, value, detail)` of `select` (which yields those, then `k` and `folded`) whose key
    /// another row shares, every row SQLite could not fold, and the folded rows whose key equals what
    /// `foldedKey` makes of an unfolded row (nil: no folded row can match it).
    private static func sharedKeys(
        _ select: String, _ bindings: SQLValue..., in connection: SQLiteConnection,
        foldedKey: ((String, String, String)) -> String?
    ) throws -> [(String, String, String)] {
        let rows = try connection.statement(
            sql: """
                WITH m AS (\(select))
                SELECT * FROM m WHERE NOT folded OR k IN (SELECT k FROM m WHERE folded GROUP BY k HAVING count(*) > 1)
                """
        ).bind(bindings).rows { (($0.text(0) ?? "", $0.text(1) ?? "", $0.text(2) ?? ""), $0.int(4) != 0) }
        let partnerKeys = Set(rows.filter { !$0.1 }.compactMap { foldedKey($0.0) })
        guard !partnerKeys.isEmpty else { return rows.map(\.0) }
        let partners = try connection.statement(
            sql: """
                WITH m AS (\(select))
                SELECT * FROM m WHERE folded AND k IN (SELECT value FROM json_each(?\(bindings.count + 1)))
                """
        ).bind(bindings + [jsonList(Array(partnerKeys))]).rows { ($0.text(0) ?? "", $0.text(1) ?? "", $0.text(2) ?? "") }
        var seen = Set(rows.map { "\($0.0.0)\u{1F}\($0.0.1)" })
        return rows.map(\.0) + partners.filter { seen.insert("\($0.0)\u{1F}\($0.1)").inserted }
    }

    /// `texts` as a JSON array for `json_each`.
    private static func jsonList(_ texts: [String]) -> SQLValue {
        func quoted(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        return .text("[" + texts.map(quoted).joined(separator: ",") + "]")
    }

    /// Each deleted contact that was merged into another, with the ID it points at (the shown value).
    public func mergePointers() throws -> [EntityID: EntityID] {
        try read { connection in
            let rows = try connection.statement(
                sql: """
                    SELECT e.entity, f.value FROM entities e JOIN field_winners f ON f.entity = e.id AND f.field = ?
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
