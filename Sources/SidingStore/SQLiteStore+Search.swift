import SidingCore

/// One page of search results, best match first, and how many entities matched in all.
public struct SearchPage: Hashable, Sendable {
    public let hits: [SearchHit]
    public let total: Int
}

extension SQLiteStore {
    /// Full-text search over live contacts and notes, best match first, on a connection of its own
    /// (see `ReaderPool`) and stopped when `budget` says so. Throws `StoreError.searchTooLong` for more
    /// words than `SearchIndex.maxTokens` and `StoreError.searchStopped` when stopped.
    public func search(_ text: String, limit: Int = 50, budget: SearchBudget = SearchBudget()) throws -> SearchPage {
        guard let query = try SearchIndex.query(for: text) else { return SearchPage(hits: [], total: 0) }
        return try searchReaders.withConnection { connection in
            // One read transaction: the page, the total and the snippets come from one snapshot.
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            return try connection.within(budget) { try Self.search(query, limit: limit, budget: budget, in: connection) }
        }
    }

    private static func search(_ query: String, limit: Int, budget: SearchBudget, in connection: SQLiteConnection) throws -> SearchPage {
        let hits = try connection.statement(
            """
            SELECT search.rowid, e.entity FROM search JOIN entities e ON e.rowid = search.rowid
            WHERE search MATCH ? ORDER BY bm25(search, 5.0, 1.0) LIMIT ?
            """
        ).bind(.text(query), .integer(Int64(limit))).rows { ($0.int(0), $0.text(1) ?? "") }
        let total =
            hits.count < limit
            ? hits.count
            : try connection.statement("SELECT count(*) FROM search WHERE search MATCH ?").bind(.text(query)).rows { Int($0.int(0)) }
                .first ?? hits.count
        var snippets: [String: String] = [:]
        // One table of this connection's serves every hit of every search (see `highlighted`).
        if !hits.isEmpty {
            try connection.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_hit USING fts5(title, content, tokenize = '\(SearchIndex.tokenizer)')")
        }
        // Only the shown page's texts are highlighted, each once (see `SearchSnippet`). One call
        // walks a whole text (about 0.4 s for 150 KB and 60 words) and cannot be stopped midway, so
        // past a third of the budget the remaining results go without a snippet rather than fail.
        for (rowid, entity) in hits where budget.leavesTimeForSnippets {
            snippets[entity] = try highlighted(query, rowid: rowid, entity: entity, in: connection).flatMap {
                SearchSnippet.make(highlighted: $0.content) ?? SearchSnippet.make(highlighted: $0.title)
            }
        }
        let records = try EntityStateReader.records(hits.map(\.1), from: connection)
        return SearchPage(hits: records.map { SearchHit(record: $0, snippet: snippets[$0.id.description] ?? "") }, total: total)
    }

    /// The hit's texts with the query's matches marked. The index keeps no text, so they are the merged
    /// view's, indexed again in a table of this connection's own (`temp.search_hit`, in memory:
    /// `temp_store`) just for this.
    private static func highlighted(
        _ query: String, rowid: Int64, entity: String, in connection: SQLiteConnection
    ) throws -> (content: String, title: String)? {
        try connection.execute("DELETE FROM temp.search_hit")
        try SearchIndex.insertRow(of: entity, rowid: rowid, into: .snippets, in: connection)
        return try connection.statement(
            """
            SELECT highlight(search_hit, 1, char(2), char(3)), highlight(search_hit, 0, char(2), char(3)) FROM temp.search_hit
            WHERE search_hit MATCH ? AND rowid = ?
            """
        ).bind(.text(query), .integer(rowid)).rows { (content: $0.text(0) ?? "", title: $0.text(1) ?? "") }.first
    }
}
