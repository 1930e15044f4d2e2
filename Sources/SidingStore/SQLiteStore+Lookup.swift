import SidingCore

/// A record as a list of candidates shows it: what a user needs to tell it from others of the same name.
public struct RecordSummary: Hashable, Sendable {
    public let id: EntityID
    /// Its title field (a contact's name, a note's title).
    public let title: String
    /// Its kind's detail field (a contact's organisation, a note's date); "" when unset.
    public let detail: String
    public let deleted: Bool

    public init(id: EntityID, title: String, detail: String, deleted: Bool) {
        self.id = id
        self.title = title
        self.detail = detail
        self.deleted = deleted
    }
}

extension SQLiteStore {
    /// Records of `kind` whose ID starts with `prefix` (as shown, lower case), in ID order, at most `limit`.
    public func records(kind: EntityKind, idPrefix prefix: String, limit: Int) throws -> [RecordSummary] {
        try read { connection in
            // IDs are lower-case base32 after the kind's prefix, all below '~': a range over the primary key.
            let ids = try connection.statement(
                "SELECT entity FROM entities WHERE entity >= ?1 AND entity < ?1 || '~' AND kind = ?2 ORDER BY entity LIMIT ?3"
            ).bind(.text(prefix), .integer(Int64(bitPattern: kind.rawValue)), .integer(Int64(limit))).rows { $0.text(0) ?? "" }
            return try Self.summaries(ids.filter { $0.hasPrefix(prefix) }, in: connection)
        }
    }

    /// Records of `kind` whose title equals `title` ignoring case (Unicode lower case, so `ли вэй`
    /// finds `Ли Вэй`), at most `limit`.
    public func records(kind: EntityKind, titled title: String, limit: Int) throws -> [RecordSummary] {
        guard let titleField = Schema.record(of: kind)?.titleField.name else { return [] }
        let wanted = title.lowercased()
        return try read { connection in
            let rows = try connection.statement(
                """
                SELECT e.entity, f.value FROM field_winners f JOIN entities e ON e.id = f.entity
                WHERE f.field = ? AND e.kind = ?
                """
            ).bind(.text(titleField), .integer(Int64(bitPattern: kind.rawValue))).rows { ($0.text(0) ?? "", $0.text(1) ?? "") }
            let ids = rows.filter { $0.1.lowercased() == wanted }.map(\.0).sorted().prefix(limit)
            return try Self.summaries(Array(ids), in: connection)
        }
    }

    /// The title of each of `ids` that has one (a contact's name, a note's title).
    public func titles(of ids: [EntityID]) throws -> [EntityID: String] {
        guard !ids.isEmpty else { return [:] }
        return try read { connection in
            Dictionary(try Self.summaries(ids.map(\.description), in: connection).map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Every spelling a set field holds across all entities (e.g. each tag), for matching one ignoring case.
    public func distinctElements(of field: String) throws -> [String] {
        try read { connection in
            try connection.statement("SELECT DISTINCT element FROM set_elements WHERE field = ?").bind(.text(field)).rows { $0.text(0) ?? "" }
        }
    }

    /// The fields a summary reads: never a note's body.
    private static let summaryFieldList = SQLValue.text(
        "["
            + Schema.records.flatMap { [$0.titleField.name] + ($0.detailField.map { [$0.name] } ?? []) }.map { "\"\($0)\"" }
            .joined(separator: ",") + "]")

    private static func summaries(_ ids: [String], in connection: SQLiteConnection) throws -> [RecordSummary] {
        guard !ids.isEmpty else { return [] }
        let list = SQLValue.text("[" + ids.map { "\"\($0)\"" }.joined(separator: ",") + "]")
        let rows = try connection.statement(
            """
            SELECT e.entity, e.deleted, f.field, f.value FROM entities e LEFT JOIN field_winners f ON f.entity = e.id
                AND f.field IN (SELECT value FROM json_each(?2))
            WHERE e.entity IN (SELECT value FROM json_each(?1))
            """
        ).bind(list, summaryFieldList).rows { ($0.text(0) ?? "", $0.int(1) != 0, $0.isNull(2) ? nil : $0.text(2), $0.isNull(3) ? nil : $0.text(3)) }
        var fields: [String: [String: String]] = [:]
        var deleted: [String: Bool] = [:]
        for (entity, isDeleted, field, value) in rows {
            deleted[entity] = isDeleted
            if let field, let value { fields[entity, default: [:]][field] = value }
        }
        return ids.compactMap { text in
            guard let id = EntityID(text), let isDeleted = deleted[text] else { return nil }
            let schema = Schema.record(of: id.kind)
            let values = fields[text] ?? [:]
            return RecordSummary(
                id: id, title: schema.flatMap { values[$0.titleField.name] } ?? "",
                detail: schema?.detailField.flatMap { values[$0.name] } ?? "", deleted: isDeleted)
        }
    }
}
