/// The end of migration 18 (records named by `entities.id`): once every row has been copied under its
/// record's integer key, the text-keyed tables give way to the new ones, and the views that power users
/// query are made again over them with the same columns.
enum RecordKeys {
    /// Each copied table, the table it was copied from, and the table's name from now on.
    private static let copies = [
        ("op_log_by_id", "op_log", "op_log"), ("field_winners_by_id", "field_winners", "field_winners"),
        ("set_elements", "set_members", "set_elements"), ("records", "entities", "entities"),
    ]

    static func finish(_ connection: SQLiteConnection) throws {
        // A row whose record has no row in `entities` would be left behind by the copy's join: the
        // store never writes one, but a migration that would lose it stops instead, changing nothing.
        for (copy, source, _) in copies {
            let counts = try [copy, source].map { table in
                try connection.statement(sql: "SELECT count(*) FROM \(table)").rows { $0.int(0) }.first ?? 0
            }
            guard counts[0] == counts[1] else {
                throw StoreError.damaged(
                    path: connection.path,
                    reason: "\(counts[1] - counts[0]) rows of \(source) name a record that `entities` lacks; the database was left as it was")
            }
        }
        try connection.execute(
            """
            DROP TABLE op_log; DROP TABLE field_winners; DROP TABLE set_members; DROP TABLE entities;
            ALTER TABLE records RENAME TO entities;
            ALTER TABLE op_log_by_id RENAME TO op_log;
            ALTER TABLE field_winners_by_id RENAME TO field_winners;
            CREATE INDEX field_winners_conflicts ON field_winners(entity) WHERE value_count > 1;
            CREATE INDEX set_elements_by_element ON set_elements(field, element);
            \(views)
            """)
    }

    /// The views over the tables keyed by `entities.id`, with the columns they had when keyed by text.
    static let views = """
        \(RecordViews.sql(values: "field_winners", members: "set_elements", key: "id"))
        CREATE VIEW field_values AS SELECT e.entity, f.field, f.value, f.hlc, l.log_key AS origin_key, f.value_count
            FROM field_winners f JOIN entities e ON e.id = f.entity LEFT JOIN logs l ON l.id = f.log;
        CREATE VIEW set_members AS SELECT e.entity, s.field, s.element FROM set_elements s JOIN entities e ON e.id = s.entity;
        CREATE VIEW ops AS SELECT l.log_key AS origin_key, o.seq, o.op_index, e.entity, o.field, o.op_type,
            coalesce(o.value, (SELECT f.value FROM field_winners f WHERE o.op_type = 1 AND o.live = 1 AND f.entity = o.entity
                AND f.field = o.field AND f.log = o.log AND f.seq = o.seq AND f.op_index = o.op_index)) AS value, o.hlc, o.live
            FROM op_log o JOIN logs l ON l.id = o.log JOIN entities e ON e.id = o.entity;
        """
}
