import SidingCore

extension SQLiteStore {
    /// Live records of `kind` matching every filter whose ID sorts after `after`, in ID order, at most
    /// `limit`: an export reads the whole node page by page, never all of it at once.
    public func page(kind: EntityKind, filters: [ListFilter], after: String?, limit: Int) throws -> [EntityRecord] {
        var sql = "SELECT e.entity FROM entities e WHERE e.kind = ? AND e.deleted = 0 AND e.entity > ?"
        var values: [SQLValue] = [.integer(Int64(bitPattern: kind.rawValue)), .text(after ?? "")]
        let (clauses, filterValues) = Self.filterSQL(filters)
        sql += clauses + " ORDER BY e.entity LIMIT ?"
        values += filterValues + [.integer(Int64(limit))]
        return try read { connection in
            let ids = try connection.statement(sql: sql).bind(values).rows { $0.text(0) ?? "" }
            return try EntityStateReader.records(ids, from: connection)
        }
    }
}
