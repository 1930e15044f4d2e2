/// Append-only schema migrations. Never edit a shipped entry: add a new one. The database's
/// `user_version` is the number of migrations applied; `application_id` marks it as Siding's.
enum Migrations {
    /// 'SIDG'
    static let applicationID: Int64 = 0x5349_4447

    static let all: [Migration] = [
        // 1: change log, merged view, full-text index.
        """
        CREATE TABLE origins(
            origin_key BLOB PRIMARY KEY,   -- Ed25519 public key of a node whose changes we hold
            node_id TEXT NOT NULL UNIQUE,  -- its node ID as `siding id` shows it
            max_seq INTEGER NOT NULL       -- highest seq held with no gap below it (version vector entry)
        ) STRICT;
        CREATE TABLE changes(
            origin_key BLOB NOT NULL,
            seq INTEGER NOT NULL,
            hlc INTEGER NOT NULL,
            bytes BLOB NOT NULL,           -- the change exactly as signed; the source of truth
            PRIMARY KEY(origin_key, seq)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE equivocations(
            origin_key BLOB NOT NULL,
            seq INTEGER NOT NULL,
            bytes BLOB NOT NULL,           -- a second, different change for a held (origin, seq)
            PRIMARY KEY(origin_key, seq, bytes)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE entities(
            entity TEXT PRIMARY KEY,       -- c_… contact, n_… note, k<n>_… a later kind
            kind INTEGER NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE TABLE ops(
            origin_key BLOB NOT NULL,
            seq INTEGER NOT NULL,
            op_index INTEGER NOT NULL,     -- (origin_key, seq, op_index) is the operation's dot
            entity TEXT NOT NULL,
            field TEXT NOT NULL,
            op_type INTEGER NOT NULL,      -- 1 write, 2 set add, 3 set remove, other: a newer kind
            value TEXT,                    -- written value or set element
            hlc INTEGER NOT NULL,
            live INTEGER NOT NULL,         -- 1 while a write or add has not been replaced or removed
            PRIMARY KEY(origin_key, seq, op_index)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX ops_live ON ops(entity, field, value) WHERE live = 1;
        CREATE INDEX ops_history ON ops(entity, hlc);
        CREATE TABLE tombstones(           -- dots retired before they arrived
            origin_key BLOB NOT NULL, seq INTEGER NOT NULL, op_index INTEGER NOT NULL,
            PRIMARY KEY(origin_key, seq, op_index)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE field_values(         -- each register's shown value: the winner of its surviving values
            entity TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            hlc INTEGER NOT NULL,
            origin_key BLOB NOT NULL,
            value_count INTEGER NOT NULL,  -- surviving values; more than 1 means the field is in conflict
            PRIMARY KEY(entity, field)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX field_values_lookup ON field_values(field, value COLLATE NOCASE);
        CREATE INDEX field_values_conflicts ON field_values(entity) WHERE value_count > 1;
        CREATE TABLE set_members(          -- current members of each set field
            entity TEXT NOT NULL,
            field TEXT NOT NULL,
            element TEXT NOT NULL,
            PRIMARY KEY(entity, field, element)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX set_members_lookup ON set_members(field, element);
        CREATE VIRTUAL TABLE search USING fts5(title, content, tokenize = 'unicode61 remove_diacritics 2');
        \(RecordViews.byRecordID)
        """,
        // 2: the partner list (local to this node, never replicated).
        """
        CREATE TABLE peers(
            node_id TEXT PRIMARY KEY,      -- as `siding id` prints it on the partner's host
            name TEXT NOT NULL,
            address TEXT                   -- HOST:PORT to dial; NULL: only accept its connections
        ) STRICT;
        """,
        // 3: facts about this copy of the database (e.g. that it is a backup).
        """
        CREATE TABLE node_state(
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT;
        """,
        // 4: one index over ops serves winners, members, entity state and history; the value indexes
        // were never used by a query (list filters look values up per entity) and put every bio and
        // note body into two more b-trees.
        """
        DROP INDEX ops_live;
        DROP INDEX ops_history;
        DROP INDEX field_values_lookup;
        DROP INDEX set_members_lookup;
        CREATE INDEX ops_by_field ON ops(entity, field);
        """,
        // 5: `live` in the index: a field edited many times kept every replaced write in the range that
        // winners and entity state are read from, so each edit scanned the field's whole history.
        """
        DROP INDEX ops_by_field;
        CREATE INDEX ops_live_by_field ON ops(entity, live, field);
        """,
        // 6: a list filtered by a set member (`--tag rivers`) starts from the entities holding it
        // instead of testing every entity of the kind.
        """
        CREATE INDEX set_members_by_element ON set_members(field, element);
        """,
        // 7: the index holds each Chinese, Japanese and Korean character as a token and Arabic words
        // without vowel marks (`SearchText`), so every row is written again in that form.
        Migration(sql: "DELETE FROM search", then: SearchIndex.fill),
        // 8: which record each imported record became, by its key in the file it came from (a vCard
        // UID, or a hash of a CSV row's content), so importing a file again matches instead of creating.
        // Local to this node, never replicated.
        """
        CREATE TABLE import_keys(
            source_key TEXT PRIMARY KEY,   -- a vCard UID as given, or sha256:… of a record's content
            entity TEXT NOT NULL           -- the record it was imported as (or matched on import)
        ) STRICT, WITHOUT ROWID;
        """,
        // 9: circles. A circle log's changes, ops and version-vector entry are keyed by its log key as a
        // network log's are by its origin key, so nothing already stored changes (no big table is
        // rewritten). A record not listed in entity_circles belongs to the network.
        """
        CREATE TABLE circle_logs(
            log_key BLOB PRIMARY KEY,      -- SHA-256 of (circle, author, epoch): the key its rows elsewhere use
            circle BLOB NOT NULL,          -- 16-byte circle ID
            author_key BLOB NOT NULL,      -- Ed25519 public key of the node that writes it
            epoch INTEGER NOT NULL,        -- 0: the owner's log; else the seq of the owner's change that admitted it
            ended_at INTEGER               -- the seq of the author's `leave`, if it left
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX circle_logs_by_circle ON circle_logs(circle, epoch);
        CREATE TABLE circle_controls(      -- the owner's changes that carry control actions: membership is folded from them alone
            circle BLOB NOT NULL,
            seq INTEGER NOT NULL,          -- seq in the owner's log (its changes row: the owner's log key and this seq)
            PRIMARY KEY(circle, seq)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE entity_circles(
            entity TEXT PRIMARY KEY,
            circle BLOB NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX entity_circles_by_circle ON entity_circles(circle);
        CREATE TABLE circle_labels(        -- local names of circles (never replicated)
            circle BLOB PRIMARY KEY,
            label TEXT NOT NULL UNIQUE COLLATE NOCASE
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE circle_deliveries(    -- the audit: which partner was sent which part of which circle, when
            circle BLOB NOT NULL,
            peer_node_id TEXT NOT NULL,
            log_key BLOB NOT NULL,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            sent_at_ms INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX circle_deliveries_by_circle ON circle_deliveries(circle, sent_at_ms);
        """,
        // 10: a dot retired before it arrived counts only for an operation on the record the retiring
        // operation was on, so no change can retire another circle's operation in advance. Rows already
        // there name no record and count as before (adding a column rewrites nothing).
        """
        ALTER TABLE tombstones ADD COLUMN entity TEXT;
        """,
        // 11: erasure. An erased record keeps its row (`deleted` = 2) and its operations (value NULL);
        // `erasures` says who erased it and when. `record_nonces` holds what proves this node made a
        // record (RecordProvenance), for its erasure order. Nothing existing is rewritten.
        """
        CREATE TABLE record_nonces(
            entity TEXT PRIMARY KEY,       -- a record this node made
            nonce BLOB NOT NULL            -- its ID is made from it (RecordProvenance)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE erasures(
            entity TEXT PRIMARY KEY,
            erased_by BLOB NOT NULL,       -- Ed25519 key of the node whose order erased it
            erased_at INTEGER NOT NULL,    -- the order's hybrid logical clock
            log_key BLOB NOT NULL,         -- the change that carried the order: its log and seq
            seq INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        """,
        // 12: erasure of network records. `slot_listings`: the redacted network changes (format 3) that
        // the creators' erasure orders vouch for. `unvouched_slots`: redacted network changes held before
        // any order vouched for them (their operations are not applied yet). Nothing existing is rewritten.
        """
        CREATE TABLE slot_listings(
            origin_key BLOB NOT NULL,
            seq INTEGER NOT NULL,
            digest BLOB NOT NULL,          -- SHA-256 of the redacted change's bytes
            PRIMARY KEY (origin_key, seq, digest)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE unvouched_slots(
            origin_key BLOB NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (origin_key, seq)
        ) STRICT, WITHOUT ROWID;
        """,
        // 13: the full-text index keeps tokens only (`content=''`): its copy of every shown text was a
        // ninth of the file. A row is removed by giving its text again, from the merged view before it
        // changes; snippets are highlighted from the merged view. Same rowids, same tokens as before.
        Migration(
            sql: """
                DROP TABLE search;
                CREATE VIRTUAL TABLE search USING fts5(title, content, content = '', tokenize = 'unicode61 remove_diacritics 2');
                """,
            then: SearchIndex.fill),
        // 14: the operation log keys each log by a small integer (`logs`) instead of its 32-byte key, in
        // its rows and in its index's entries: a sixth of the file. `ops` stays, as a view with the same
        // columns, for reading (and for power users' queries); the store writes `op_log`.
        """
        CREATE TABLE logs(
            id INTEGER PRIMARY KEY,        -- the log's key in op_log
            log_key BLOB NOT NULL UNIQUE   -- a network log's origin key or a circle log's key, as in changes
        ) STRICT;
        CREATE TABLE op_log(
            log INTEGER NOT NULL,          -- logs.id; (log, seq, op_index) is the operation's dot
            seq INTEGER NOT NULL,
            op_index INTEGER NOT NULL,
            entity TEXT NOT NULL,
            field TEXT NOT NULL,
            op_type INTEGER NOT NULL,
            value TEXT,
            hlc INTEGER NOT NULL,
            live INTEGER NOT NULL,
            PRIMARY KEY(log, seq, op_index)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO logs(log_key) SELECT DISTINCT origin_key FROM ops ORDER BY origin_key;
        INSERT INTO op_log(log, seq, op_index, entity, field, op_type, value, hlc, live)
            SELECT l.id, o.seq, o.op_index, o.entity, o.field, o.op_type, o.value, o.hlc, o.live
            FROM ops o JOIN logs l ON l.log_key = o.origin_key ORDER BY l.id, o.seq, o.op_index;
        DROP TABLE ops;
        CREATE INDEX op_log_live_by_field ON op_log(entity, live, field);
        CREATE VIEW ops AS SELECT l.log_key AS origin_key, o.seq, o.op_index, o.entity, o.field, o.op_type, o.value, o.hlc, o.live
            FROM op_log o JOIN logs l ON l.id = o.log;
        """,
        // 15: the merged view keys each winner's log by its small integer (`logs.id`) instead of its
        // 32-byte key: a quarter of every shown value's row, and no reader but a power user's asks for it.
        // `field_values` stays, as a view with the same columns; the store writes `field_winners`.
        """
        CREATE TABLE field_winners(
            entity TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            hlc INTEGER NOT NULL,
            log INTEGER NOT NULL,          -- logs.id of the winning write's log
            value_count INTEGER NOT NULL,  -- surviving values; more than 1 means the field is in conflict
            PRIMARY KEY(entity, field)
        ) STRICT, WITHOUT ROWID;
        INSERT OR IGNORE INTO logs(log_key) SELECT DISTINCT origin_key FROM field_values ORDER BY origin_key;
        INSERT INTO field_winners(entity, field, value, hlc, log, value_count)
            SELECT f.entity, f.field, f.value, f.hlc, l.id, f.value_count
            FROM field_values f JOIN logs l ON l.log_key = f.origin_key ORDER BY f.entity, f.field;
        DROP TABLE field_values;
        CREATE INDEX field_winners_conflicts ON field_winners(entity) WHERE value_count > 1;
        CREATE VIEW field_values AS SELECT f.entity, f.field, f.value, f.hlc, l.log_key AS origin_key, f.value_count
            FROM field_winners f LEFT JOIN logs l ON l.id = f.log;
        """,
        // 16: the operation log keeps no copy of a written value: the signed change holds it, the merged
        // view holds each register's winner, which now names its write by its whole dot. `ops` shows a
        // standing winner's value from the view; a replaced write's value is read from its change
        // (`WrittenValues`) by history and conflicts.
        """
        CREATE TEMP TABLE winners AS
            SELECT f.entity, f.field, f.value, f.hlc, f.log, coalesce(w.seq, 0) AS seq, coalesce(w.op_index, 0) AS op_index, f.value_count
            FROM field_winners f LEFT JOIN op_log w ON w.entity = f.entity AND w.live = 1 AND w.field = f.field
                AND w.op_type = 1 AND w.log = f.log AND w.hlc = f.hlc AND w.value = f.value
                AND NOT EXISTS (SELECT 1 FROM op_log o WHERE o.entity = w.entity AND o.live = 1 AND o.field = w.field
                    AND o.op_type = 1 AND o.log = w.log AND o.hlc = w.hlc AND (o.seq, o.op_index) > (w.seq, w.op_index));
        DROP VIEW field_values; DROP VIEW ops; DROP TABLE field_winners;
        CREATE TABLE field_winners(
            entity TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            hlc INTEGER NOT NULL,
            log INTEGER NOT NULL,          -- (log, seq, op_index): the winning write's dot, log a logs.id
            seq INTEGER NOT NULL,
            op_index INTEGER NOT NULL,
            value_count INTEGER NOT NULL,  -- surviving values; more than 1 means the field is in conflict
            PRIMARY KEY(entity, field)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO field_winners SELECT * FROM temp.winners ORDER BY entity, field;
        DROP TABLE temp.winners;
        CREATE INDEX field_winners_conflicts ON field_winners(entity) WHERE value_count > 1;
        UPDATE op_log SET value = NULL WHERE op_type = 1 AND value IS NOT NULL;
        CREATE VIEW field_values AS SELECT f.entity, f.field, f.value, f.hlc, l.log_key AS origin_key, f.value_count
            FROM field_winners f LEFT JOIN logs l ON l.id = f.log;
        \(opsView)
        """,
        // 17: the operation log is keyed by what every reader asks for: the record, whether the operation
        // still stands (an edit reads and retires standing ones, never the replaced history) and the
        // field. It needs no second index (a third of its bytes). A dot is still unique: it names one
        // operation of one held change; the store finds a dot's record from that change when it is not
        // at hand.
        """
        CREATE TABLE op_log_by_record(
            entity TEXT NOT NULL,
            live INTEGER NOT NULL,         -- 1 while a write or add has not been replaced or removed
            field TEXT NOT NULL,
            log INTEGER NOT NULL,          -- logs.id; (log, seq, op_index) is the operation's dot
            seq INTEGER NOT NULL,
            op_index INTEGER NOT NULL,
            op_type INTEGER NOT NULL,
            value TEXT,                    -- a set element; NULL for a write (its change holds it) and once erased
            hlc INTEGER NOT NULL,
            PRIMARY KEY(entity, live, field, log, seq, op_index)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO op_log_by_record(entity, live, field, log, seq, op_index, op_type, value, hlc)
            SELECT entity, live, field, log, seq, op_index, op_type, value, hlc FROM op_log
            ORDER BY entity, live, field, log, seq, op_index;
        DROP VIEW ops; DROP TABLE op_log;
        ALTER TABLE op_log_by_record RENAME TO op_log;
        \(opsView)
        """,
        // 18: the big tables name a record by its row in `entities` (a small integer, given as records
        // arrive) instead of its 18-character ID. A record's operations and shown values then take a
        // third fewer bytes, and a new record's rows are appended where a random ID put them anywhere in
        // the table, so a batch of new records writes a few pages, not one per record. `entities.id` is
        // the rowid that search rows were already keyed by, now named, so VACUUM keeps it. The views
        // keep their columns; `set_members` becomes one, over `set_elements`.
        Migration(
            sql: """
                DROP VIEW contacts; DROP VIEW notes; DROP VIEW ops; DROP VIEW field_values;
                CREATE TABLE records(
                    id INTEGER PRIMARY KEY,        -- the record's key in op_log, field_winners, set_elements and search
                    entity TEXT NOT NULL UNIQUE,   -- c_… contact, n_… note, k<n>_… a later kind
                    kind INTEGER NOT NULL,
                    deleted INTEGER NOT NULL DEFAULT 0
                ) STRICT;
                INSERT INTO records(id, entity, kind, deleted) SELECT rowid, entity, kind, deleted FROM entities ORDER BY rowid;
                CREATE TABLE op_log_by_id(
                    entity INTEGER NOT NULL,       -- entities.id
                    live INTEGER NOT NULL,         -- 1 while a write or add has not been replaced or removed
                    field TEXT NOT NULL,
                    log INTEGER NOT NULL,          -- logs.id; (log, seq, op_index) is the operation's dot
                    seq INTEGER NOT NULL,
                    op_index INTEGER NOT NULL,
                    op_type INTEGER NOT NULL,
                    value TEXT,                    -- a set element; NULL for a write (its change holds it) and once erased
                    hlc INTEGER NOT NULL,
                    PRIMARY KEY(entity, live, field, log, seq, op_index)
                ) STRICT, WITHOUT ROWID;
                INSERT INTO op_log_by_id(entity, live, field, log, seq, op_index, op_type, value, hlc)
                    SELECT r.id, o.live, o.field, o.log, o.seq, o.op_index, o.op_type, o.value, o.hlc
                    FROM op_log o JOIN records r ON r.entity = o.entity ORDER BY 1, 2, 3, 4, 5, 6;
                CREATE TABLE field_winners_by_id(
                    entity INTEGER NOT NULL,       -- entities.id
                    field TEXT NOT NULL,
                    value TEXT NOT NULL,
                    hlc INTEGER NOT NULL,
                    log INTEGER NOT NULL,          -- (log, seq, op_index): the winning write's dot, log a logs.id
                    seq INTEGER NOT NULL,
                    op_index INTEGER NOT NULL,
                    value_count INTEGER NOT NULL,  -- surviving values; more than 1 means the field is in conflict
                    PRIMARY KEY(entity, field)
                ) STRICT, WITHOUT ROWID;
                INSERT INTO field_winners_by_id(entity, field, value, hlc, log, seq, op_index, value_count)
                    SELECT r.id, f.field, f.value, f.hlc, f.log, f.seq, f.op_index, f.value_count
                    FROM field_winners f JOIN records r ON r.entity = f.entity ORDER BY 1, 2;
                CREATE TABLE set_elements(         -- current members of each set field
                    entity INTEGER NOT NULL,       -- entities.id
                    field TEXT NOT NULL,
                    element TEXT NOT NULL,
                    PRIMARY KEY(entity, field, element)
                ) STRICT, WITHOUT ROWID;
                INSERT INTO set_elements(entity, field, element)
                    SELECT r.id, s.field, s.element FROM set_members s JOIN records r ON r.entity = s.entity ORDER BY 1, 2, 3;
                """,
            then: RecordKeys.finish),
        // 19: the search index merges its segments eight at a time, not four. Each batch writes a new
        // segment; merging fewer of them more often rewrote every token about twice as many times, which
        // cost a fifth of the index's share of ingest. A search reads no more (it is bound by the tokens'
        // lists, not by how many segments hold them).
        "INSERT INTO search(search, rank) VALUES ('automerge', 8);",
    ]

    /// `ops` since schema 16: a write's value is the merged view's while it wins (`WrittenValues` reads
    /// the others from their changes).
    static let opsView = """
        CREATE VIEW ops AS SELECT l.log_key AS origin_key, o.seq, o.op_index, o.entity, o.field, o.op_type,
            coalesce(o.value, (SELECT f.value FROM field_winners f WHERE o.op_type = 1 AND o.live = 1 AND f.entity = o.entity
                AND f.field = o.field AND f.log = o.log AND f.seq = o.seq AND f.op_index = o.op_index)) AS value, o.hlc, o.live
            FROM op_log o JOIN logs l ON l.id = o.log;
        """

    /// Brings the database up to the latest schema (tests: up to `target`), one transaction per migration.
    static func migrate(_ connection: SQLiteConnection, upTo target: Int = all.count) throws {
        let applicationID = try connection.statement("PRAGMA application_id").rows { $0.int(0) }.first ?? 0
        let version = Int(try connection.statement("PRAGMA user_version").rows { $0.int(0) }.first ?? 0)
        let hasTables = try connection.statement("SELECT count(*) FROM sqlite_schema").rows { $0.int(0) }.first ?? 0
        if applicationID != Self.applicationID && applicationID != 0 || (applicationID == 0 && hasTables > 0) {
            throw StoreError.notASidingDatabase(path: connection.path)
        }
        guard version <= all.count else {
            throw StoreError.newerSchema(path: connection.path, version: version, supported: all.count)
        }
        for (offset, migration) in all.prefix(target).enumerated().dropFirst(version) {
            try connection.transaction {
                if !migration.sql.isEmpty { try connection.execute(migration.sql) }
                try migration.then?(connection)
                try connection.execute("PRAGMA application_id = \(Self.applicationID); PRAGMA user_version = \(offset + 1)")
            }
        }
    }
}

/// One schema step: SQL, and then work SQL alone cannot do (text the store computes).
struct Migration: ExpressibleByStringInterpolation, Sendable {
    let sql: String
    let then: (@Sendable (SQLiteConnection) throws -> Void)?

    init(sql: String, then: (@Sendable (SQLiteConnection) throws -> Void)? = nil) {
        self.sql = sql
        self.then = then
    }

    init(stringLiteral sql: String) { self.init(sql: sql) }

    init(stringInterpolation: DefaultStringInterpolation) { self.init(sql: String(stringInterpolation: stringInterpolation)) }
}
