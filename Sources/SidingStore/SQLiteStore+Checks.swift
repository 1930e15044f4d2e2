extension SQLiteStore {
    /// Entities whose search row is not the one their merged-view rows give (a live entity without
    /// a row, a deleted one with a row, or other tokens): empty when the index is consistent. The index
    /// keeps no text, so the rows the merged view gives are indexed again in memory and the two indexes'
    /// tokens (each with its row, column and position) and row sizes compared.
    func entitiesWithStaleSearchRows() throws -> [String] {
        try read { connection in
            try connection.execute(
                """
                CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_expected USING fts5(title, content, content = '', tokenize = '\(SearchIndex.tokenizer)');
                CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_expected_terms USING fts5vocab(temp, search_expected, instance);
                CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms USING fts5vocab(main, search, instance);
                INSERT INTO temp.search_expected(search_expected) VALUES ('delete-all');
                """)
            let live = try connection.statement("SELECT rowid, entity FROM entities WHERE deleted = 0").rows { ($0.int(0), $0.text(1) ?? "") }
            for (rowid, entity) in live { try SearchIndex.insertRow(of: entity, rowid: rowid, into: .expected, in: connection) }
            let stale = try connection.statement(
                """
                WITH differing(doc) AS (
                    SELECT doc FROM (SELECT term, doc, col, offset FROM temp.search_terms
                        EXCEPT SELECT term, doc, col, offset FROM temp.search_expected_terms)
                    UNION SELECT doc FROM (SELECT term, doc, col, offset FROM temp.search_expected_terms
                        EXCEPT SELECT term, doc, col, offset FROM temp.search_terms)
                    UNION SELECT id FROM (SELECT id, sz FROM main.search_docsize EXCEPT SELECT id, sz FROM temp.search_expected_docsize)
                    UNION SELECT id FROM (SELECT id, sz FROM temp.search_expected_docsize EXCEPT SELECT id, sz FROM main.search_docsize)
                )
                SELECT coalesce(e.entity, 'search row ' || d.doc) FROM differing d LEFT JOIN entities e ON e.rowid = d.doc
                """
            ).rows { $0.text(0) ?? "" }
            return stale.sorted()
        }
    }
}
