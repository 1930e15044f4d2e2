import SidingCore

/// The FTS5 index over the merged view: one row per live entity (rowid = entities.rowid), its name or
/// title in one column and every other shown text in the other. It holds tokens only, no copy of the
/// text (`content=''`): snippets are highlighted from the merged view (`SQLiteStore.search`).
enum SearchIndex {
    /// Tokens (words, and CJK characters) searched at once: each is a list FTS5 reads and merges, and a
    /// pasted paragraph is not a search anyone means.
    static let maxTokens = 64
    /// The index's tokenizer (as migration 13 created it), for tables that must tokenize as it does.
    static let tokenizer = "unicode61 remove_diacritics 2"

    /// Fields that hold IDs, dates or flags, not words anyone searches for.
    static let unindexedFields = Schema.unsearchedFieldNames.union([EntityState.deletedField, ContactSchema.mergedInto.name])
    static let titleFields = Set(Schema.titleFieldNames)

    /// The row the index holds for an entity. The index keeps no copy of the text (contentless, schema
    /// 13), so a row is removed by giving its indexed text again: that text is the merged view's, read
    /// before the view changes.
    struct IndexedRow: Equatable {
        let rowid: Int64
        let title: String
        let content: String
    }

    /// The row the merged view gives `entity` now: nil when it has none (deleted, erased, unknown).
    static func currentRow(of entity: String, in connection: SQLiteConnection) throws -> IndexedRow? {
        let row = try connection.statement("SELECT id, deleted FROM entities WHERE entity = ?")
            .bind(.text(entity)).rows { ($0.int(0), $0.int(1) != 0) }
        guard let (rowid, deleted) = row.first, !deleted else { return nil }
        let (title, content) = Self.row(try texts(ofRecord: rowid, in: connection))
        return IndexedRow(rowid: rowid, title: title, content: content)
    }

    /// Brings the entity's row from `before` (`currentRow` read before the merged view changed) to what
    /// the view gives now; an unchanged row is not written.
    static func update(entity: String, from before: IndexedRow?, in connection: SQLiteConnection) throws {
        let after = try currentRow(of: entity, in: connection)
        guard after != before else { return }
        if let before { try delete(before, in: connection) }
        if let after { try insert(after, in: connection) }
    }

    /// Adds a live entity's row: `texts` are its shown register values and set members.
    static func insert(rowid: Int64, texts: [(field: String, value: String)], in connection: SQLiteConnection) throws {
        let (title, content) = row(texts)
        try insert(IndexedRow(rowid: rowid, title: title, content: content), in: connection)
    }

    /// Adds the row the merged view gives `entity` now to `table`.
    static func insertRow(of entity: String, rowid: Int64, into table: Table, in connection: SQLiteConnection) throws {
        let (title, content) = row(try texts(of: entity, in: connection))
        try insert(IndexedRow(rowid: rowid, title: title, content: content), into: table, in: connection)
    }

    private static func insert(_ row: IndexedRow, into table: Table = .index, in connection: SQLiteConnection) throws {
        try connection.statement(table.insert).bind(.integer(row.rowid), .text(row.title), .text(row.content)).run()
    }

    /// The FTS5 tables that hold rows as the index does: the index, and the in-memory tables (`temp`)
    /// that tokenize the merged view again, for a search's snippets and for the consistency check.
    enum Table {
        case index, snippets, expected

        var insert: StaticString {
            switch self {
            case .index: "INSERT INTO search(rowid, title, content) VALUES (?, ?, ?)"
            case .snippets: "INSERT INTO temp.search_hit(rowid, title, content) VALUES (?, ?, ?)"
            case .expected: "INSERT INTO temp.search_expected(rowid, title, content) VALUES (?, ?, ?)"
            }
        }
    }

    /// FTS5's delete command: the text must be exactly what was inserted, or the index goes wrong.
    static func delete(_ row: IndexedRow, in connection: SQLiteConnection) throws {
        try connection.statement("INSERT INTO search(search, rowid, title, content) VALUES ('delete', ?, ?, ?)")
            .bind(.integer(row.rowid), .text(row.title), .text(row.content)).run()
    }

    /// The indexed columns for an entity's shown texts (as `SearchText.indexed` writes them).
    static func row(_ texts: [(field: String, value: String)]) -> (title: String, content: String) {
        var title: [String] = []
        var content: [String] = []
        for (field, value) in texts where !unindexedFields.contains(field) {
            if titleFields.contains(field) { title.append(value) } else { content.append(value) }
        }
        return (SearchText.indexed(title.joined(separator: " ")), SearchText.indexed(content.joined(separator: " · ")))
    }

    /// Writes every live entity's row into an empty index.
    static func fill(in connection: SQLiteConnection) throws {
        let live = try connection.statement("SELECT rowid, entity FROM entities WHERE deleted = 0").rows { ($0.int(0), $0.text(1) ?? "") }
        for (rowid, entity) in live { try insertRow(of: entity, rowid: rowid, into: .index, in: connection) }
    }

    /// The entity's texts as the merged-view tables hold them. Read through `field_values`, which every
    /// schema has (a table up to 14, a view since), because migrations 7 and 13 fill the index with it;
    /// the view's join to `logs` is left out by SQLite when `origin_key` is not asked for.
    static func texts(of entity: String, in connection: SQLiteConnection) throws -> [(field: String, value: String)] {
        try connection.statement(
            """
            SELECT field, value FROM field_values WHERE entity = ?1
            UNION ALL SELECT field, element FROM set_members WHERE entity = ?1
            """
        ).bind(.text(entity)).rows { (field: $0.text(0) ?? "", value: $0.text(1) ?? "") }
    }

    /// The record's texts, read by its key (`entities.id`, schema 18) as `texts(of:)` reads them by its
    /// ID, in the same order: a row is removed by giving exactly the text it was added with.
    static func texts(ofRecord id: Int64, in connection: SQLiteConnection) throws -> [(field: String, value: String)] {
        try connection.statement(
            """
            SELECT field, value FROM field_winners WHERE entity = ?1
            UNION ALL SELECT field, element FROM set_elements WHERE entity = ?1
            """
        ).bind(.integer(id)).rows { (field: $0.text(0) ?? "", value: $0.text(1) ?? "") }
    }

    /// A user's words as an FTS5 query that matches entities containing all of them; quoting every
    /// word means no character a user types can be read as query syntax. A trailing `*` asks for a
    /// prefix. A word is indexed text too, so a CJK word is the phrase of its characters.
    static func query(for text: String) throws(StoreError) -> String? {
        let tokens = SearchText.tokenCount(text)
        guard tokens <= maxTokens else { throw StoreError.searchTooLong(words: tokens, maximum: maxTokens) }
        let words = text.split(whereSeparator: { $0.isWhitespace }).compactMap { word -> String? in
            let prefix = word.hasSuffix("*")
            let bare = SearchText.indexed(prefix ? String(word.dropLast()) : String(word))
            guard !bare.isEmpty else { return nil }
            return "\"" + bare.replacingOccurrences(of: "\"", with: "\"\"") + "\"" + (prefix ? "*" : "")
        }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
