import SidingCore

/// The FTS5 index over the merged view: one row per live entity (rowid = entities.rowid), its name or
/// title in one column and every other shown text in the other.
enum SearchIndex {
    /// Tokens (words, and CJK characters) searched at once: each is a list FTS5 reads and merges, and a
    /// pasted paragraph is not a search anyone means.
    static let maxTokens = 64

    /// Fields that hold IDs, dates or flags, not words anyone searches for.
    static let unindexedFields = Schema.unsearchedFieldNames.union([EntityState.deletedField, ContactSchema.mergedInto.name])
    static let titleFields = Set(Schema.titleFieldNames)

    static func refresh(entity: String, in connection: SQLiteConnection) throws {
        let row = try connection.statement("SELECT rowid, deleted FROM entities WHERE entity = ?")
            .bind(.text(entity)).rows { ($0.int(0), $0.int(1) != 0) }
        guard let (rowid, deleted) = row.first else { return }
        try connection.statement("DELETE FROM search WHERE rowid = ?").bind(.integer(rowid)).run()
        guard !deleted else { return }
        try insert(rowid: rowid, texts: try texts(of: entity, in: connection), in: connection)
    }

    /// Adds a live entity's row: `texts` are its shown register values and set members.
    static func insert(rowid: Int64, texts: [(field: String, value: String)], in connection: SQLiteConnection) throws {
        let (title, content) = row(texts)
        try connection.statement("INSERT INTO search(rowid, title, content) VALUES (?, ?, ?)")
            .bind(.integer(rowid), .text(title), .text(content)).run()
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

    /// Writes every live entity's row again: after the indexed text's form changed.
    static func rebuild(in connection: SQLiteConnection) throws {
        try connection.execute("DELETE FROM search")
        let live = try connection.statement("SELECT rowid, entity FROM entities WHERE deleted = 0").rows { ($0.int(0), $0.text(1) ?? "") }
        for (rowid, entity) in live { try insert(rowid: rowid, texts: try texts(of: entity, in: connection), in: connection) }
    }

    /// The entity's texts as the merged-view tables hold them.
    static func texts(of entity: String, in connection: SQLiteConnection) throws -> [(field: String, value: String)] {
        try connection.statement(
            """
            SELECT field, value FROM field_values WHERE entity = ?1
            UNION ALL SELECT field, element FROM set_members WHERE entity = ?1
            """
        ).bind(.text(entity)).rows { (field: $0.text(0) ?? "", value: $0.text(1) ?? "") }
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
