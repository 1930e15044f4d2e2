import CSQLite
import Foundation
import SidingAPI
import SidingTestKit

/// Full-text search on the query data set: the index's size, searches for common words, and one
/// 150 KB note searched with 10 and 20 of its own words and with a pasted paragraph (issue 13: with
/// such a note, these searches froze the node for seconds to minutes).
enum SearchBench {
    /// Bytes of the pages of the `search` table and its shadow tables (SQLite's `dbstat`), read with
    /// the node stopped.
    static func indexBytes(databasePath: String) throws -> Double {
        var handle: OpaquePointer?
        defer { sqlite3_close_v2(handle) }
        guard sqlite3_open_v2(databasePath, &handle, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            throw BenchError("cannot open \(databasePath) to measure the search index")
        }
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        let sql = "SELECT sum(pgsize) FROM dbstat WHERE name = 'search' OR name LIKE 'search\\_%' ESCAPE '\\'"
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, sqlite3_step(statement) == SQLITE_ROW else {
            throw BenchError("dbstat is not available in this SQLite")
        }
        return Double(sqlite3_column_int64(statement, 0))
    }

    /// Runs against a started node holding the query data set; adds the 150 KB note last.
    static func run(_ client: LocalAPIClient) async throws -> [Figure] {
        let words = ["monsoon", "liaison grazing", "water rivers", "former officer patrol", "Indus waters round"]
        let common = try await QueryBench.cycle(Array(repeating: words, count: 20).flatMap { $0 }) { _ = try await client.search($0) }

        var random = SeededGenerator(seed: 13)
        var text = ""
        while text.utf8.count < 150_000 {
            text += (0..<12).map { _ in Population.prose[Int.random(in: 0..<Population.prose.count, using: &random)] }.joined(separator: " ") + ". "
        }
        _ = try await client.create(.notes, CreateRequest(set: ["title": "Long transcript", "body": text]))
        let bodyWords = text.split(separator: " ").map { $0.trimmingCharacters(in: .punctuationCharacters) }
        let tenWords = bodyWords[40..<50].joined(separator: " ")
        let twentyWords = bodyWords[40..<60].joined(separator: " ")
        let paragraph = bodyWords[40..<160].joined(separator: " ")
        let ten = try await QueryBench.cycle(Array(repeating: tenWords, count: 3)) { _ = try? await client.search($0) }
        let twenty = try await QueryBench.cycle(Array(repeating: twentyWords, count: 3)) { _ = try? await client.search($0) }
        // Answered with results or with the error that says the search is too long or too slow.
        let pasted = try await QueryBench.cycle([paragraph]) { _ = try? await client.search($0) }
        return [
            Figure("search_common_words_p50_ms", Measure.percentile(common, 0.5), "ms", note: "1–3 common words, \(common.count) runs"),
            Figure("search_common_words_p99_ms", Measure.percentile(common, 0.99), "ms"),
            Figure("search_150kb_note_10_words_ms", Measure.percentile(ten, 0.5), "ms", note: "median of 3, with a 150 KB note"),
            Figure("search_150kb_note_20_words_ms", Measure.percentile(twenty, 0.5), "ms", note: "median of 3"),
            Figure("search_150kb_note_paragraph_ms", pasted.first ?? .nan, "ms", note: "120 words pasted: results or an error"),
        ]
    }
}
