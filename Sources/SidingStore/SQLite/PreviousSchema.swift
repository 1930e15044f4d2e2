/// For measuring migrations: turns a database of the current schema into one of the previous release's
/// (schema 8) by dropping exactly what migrations 9 to 18 added: 13's index is written again with its copy
/// of the text, 14's operation log as the table `ops` keyed by origin keys with 16's written values read
/// back from their changes, 15's winners as the table `field_values` with their origin keys, and 18's
/// tables keyed by record row as `entities` and `set_members` keyed by record ID.
/// Migrations are append-only, so the result is what the previous release's code would have written;
/// its data is untouched.
@_spi(Testing) public enum PreviousSchema {
    public static let version = 8
    /// The schema this build migrates to.
    public static let current = Migrations.all.count

    public static func rollBack(_ path: String) throws {
        let connection = try SQLiteConnection(path: path)
        try connection.transaction {
            try connection.execute(
                """
                CREATE TABLE ops_table(
                    origin_key BLOB NOT NULL, seq INTEGER NOT NULL, op_index INTEGER NOT NULL, entity TEXT NOT NULL,
                    field TEXT NOT NULL, op_type INTEGER NOT NULL, value TEXT, hlc INTEGER NOT NULL, live INTEGER NOT NULL,
                    PRIMARY KEY(origin_key, seq, op_index)
                ) STRICT, WITHOUT ROWID;
                INSERT INTO ops_table SELECT * FROM ops ORDER BY origin_key, seq, op_index;
                """)
            var written = WrittenValues(connection)
            let unshown = try connection.statement("SELECT origin_key, seq, op_index FROM ops_table WHERE op_type = 1 AND value IS NULL")
                .rows { ($0.blob(0), $0.int(1), $0.int(2)) }
            for (log, seq, index) in unshown {
                guard let value = try written.value(log: log, seq: seq, index: index) else { continue }
                try connection.statement("UPDATE ops_table SET value = ? WHERE origin_key = ? AND seq = ? AND op_index = ?")
                    .bind(.text(value), .blob(log), .integer(seq), .integer(index)).run()
            }
            try connection.execute(
                """
                CREATE TEMP TABLE winners AS SELECT * FROM field_values;
                CREATE TEMP TABLE members AS SELECT * FROM set_members;
                CREATE TEMP TABLE records AS SELECT id, entity, kind, deleted FROM entities;
                DROP VIEW contacts; DROP VIEW notes; DROP VIEW ops; DROP VIEW field_values; DROP VIEW set_members;
                DROP TABLE field_winners; DROP TABLE set_elements; DROP TABLE entities;
                CREATE TABLE entities(entity TEXT PRIMARY KEY, kind INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0) STRICT;
                INSERT INTO entities(rowid, entity, kind, deleted) SELECT * FROM temp.records ORDER BY id;
                CREATE TABLE set_members(
                    entity TEXT NOT NULL, field TEXT NOT NULL, element TEXT NOT NULL, PRIMARY KEY(entity, field, element)
                ) STRICT, WITHOUT ROWID;
                INSERT INTO set_members SELECT * FROM temp.members ORDER BY entity, field, element;
                CREATE INDEX set_members_by_element ON set_members(field, element);
                DROP TABLE temp.members; DROP TABLE temp.records;
                CREATE TABLE field_values(
                    entity TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, hlc INTEGER NOT NULL,
                    origin_key BLOB NOT NULL, value_count INTEGER NOT NULL, PRIMARY KEY(entity, field)
                ) STRICT, WITHOUT ROWID;
                INSERT INTO field_values SELECT * FROM temp.winners ORDER BY entity, field;
                DROP TABLE temp.winners;
                CREATE INDEX field_values_conflicts ON field_values(entity) WHERE value_count > 1;
                \(RecordViews.byRecordID)
                DROP TABLE circle_logs; DROP TABLE circle_controls; DROP TABLE entity_circles; DROP TABLE circle_labels; DROP TABLE circle_deliveries;
                ALTER TABLE tombstones DROP COLUMN entity; DROP TABLE erasures; DROP TABLE record_nonces;
                DROP TABLE slot_listings; DROP TABLE unvouched_slots;
                DROP TABLE op_log; DROP TABLE logs; ALTER TABLE ops_table RENAME TO ops;
                CREATE INDEX ops_live_by_field ON ops(entity, live, field);
                DROP TABLE search; CREATE VIRTUAL TABLE search USING fts5(title, content, tokenize = 'unicode61 remove_diacritics 2');
                PRAGMA user_version = \(version);
                """)
            try SearchIndex.fill(in: connection)
        }
    }

    /// Migrates the database at `path` up to schema `target` only, as the store would on its way to the latest.
    public static func migrate(_ path: String, upTo target: Int) throws {
        try Migrations.migrate(SQLiteConnection(path: path), upTo: target)
    }

    /// Every table, index, view and trigger with its SQL: two databases with equal lists have the same schema.
    public static func schemaObjects(_ path: String) throws -> [String] {
        let connection = try SQLiteConnection(path: path, readOnly: true)
        return try connection.statement("SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name")
            .rows { [$0.text(0), $0.text(1), $0.text(2)].map { $0 ?? "" }.joined(separator: " ") }
    }

    /// `PRAGMA integrity_check` without migrating the database first (opening a store would).
    public static func integrityCheck(_ path: String) throws -> String {
        try SQLiteConnection(path: path, readOnly: true).check()
    }

    public static func schemaVersion(_ path: String) throws -> Int {
        let connection = try SQLiteConnection(path: path, readOnly: true)
        return Int(try connection.statement("PRAGMA user_version").rows { $0.int(0) }.first ?? 0)
    }
}
