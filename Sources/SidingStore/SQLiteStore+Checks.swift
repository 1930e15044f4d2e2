extension SQLiteStore {
    /// Entities whose search row is not the one their merged-view rows give (a live entity without
    /// a row, a deleted one with a row, or different text): empty when the index is consistent.
    func entitiesWithStaleSearchRows() throws -> [String] {
        try read { connection in
            let entities = try connection.statement("SELECT entity, rowid, deleted FROM entities ORDER BY entity")
                .rows { ($0.text(0) ?? "", $0.int(1), $0.int(2) != 0) }
            return try entities.filter { entity, rowid, deleted in
                let indexed = try connection.statement("SELECT title, content FROM search WHERE rowid = ?").bind(.integer(rowid))
                    .rows { "\($0.text(0) ?? "")|\($0.text(1) ?? "")" }
                let shown = SearchIndex.row(try SearchIndex.texts(of: entity, in: connection))
                return indexed != (deleted ? [] : ["\(shown.title)|\(shown.content)"])
            }.map(\.0)
        }
    }
}
