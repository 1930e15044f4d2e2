import Foundation
import SidingTestKit

/// Holds Siding against the machine's ceiling (the SQLite C API, in the same run) and against its
/// targets, with real `sidingd` processes on loopback mutual TLS, and prints one table (or `--json`).
/// Run in release: `swift build -c release && .build/release/siding-bench --scale 1000000`.
@main
enum SidingBench {
    static func main() async {
        do {
            try await run(try Options(CommandLine.arguments))
        } catch {
            FileHandle.standardError.write(Data("siding-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: Options) async throws {
        if !options.json {
            print(
                "siding-bench: \(options.scale) field operations, \(options.edits) edits, scenarios \(options.only.sorted().joined(separator: ", "))")
        }
        // Every scenario but ingest and migrate runs the real daemon and CLI, found beside this binary.
        if !options.only.isSubset(of: ["ingest", "migrate"]) {
            for binary in [BuiltProducts.sidingd, BuiltProducts.siding] where !FileManager.default.isExecutableFile(atPath: binary) {
                throw BenchError("\(binary) is missing: build every product, e.g. `swift build -c release`, then run .build/release/siding-bench")
            }
        }
        var figures: [Figure] = []
        var baseline: Double?
        // First: the import's child processes' peak RSS counts this process's peak before they start.
        if options.only.contains("import") {
            figures += try await ImportBench.run(contacts: options.contacts)
        }
        if options.only.contains("ingest") {
            let directory = TemporaryDirectory("bench")
            let ingest = try IngestBench.run(fieldOperations: options.scale, in: directory)
            if let keep = options.keepIngest { try IngestBench.keep(directory.file("ingest-store.db"), at: keep) }
            baseline = ingest.baselineOpsPerSecond
            figures += [
                Figure("ingest_store_ops_per_s", ingest.storeOpsPerSecond, "ops/s", note: "SQLiteStore: log, merged view, search index"),
                Figure("ingest_baseline_ops_per_s", ingest.baselineOpsPerSecond, "ops/s", note: "C API: op log + current-value upsert"),
                Figure("ingest_ratio", ingest.storeOpsPerSecond / ingest.baselineOpsPerSecond, "x", atLeast: 0.8),
                Figure("ingest_store_bytes_per_op", Double(ingest.storeBytes) / Double(options.scale), "B", note: "database + WAL after the run"),
                Figure("ingest_baseline_bytes_per_op", Double(ingest.baselineBytes) / Double(options.scale), "B"),
            ]
        }
        if options.only.contains("catchup") {
            figures += try await CatchUpBench.run(scale: options.scale, edits: options.edits, baselineOpsPerSecond: baseline)
        }
        if !options.only.isDisjoint(with: ["query", "commit"]) {
            figures += try await QueryBench.run(
                scale: options.scale, queries: options.only.contains("query"), commit: options.only.contains("commit"))
        }
        if options.only.contains("duplicates") { figures += try await DuplicatesBench.run(scale: options.scale) }
        if options.only.contains("migrate") {
            figures += try MigrateBench.run(fieldOperations: options.scale, in: TemporaryDirectory("bench-migrate"))
        }
        if options.only.contains("circles") {
            figures += try await CircleBench.run(scale: options.scale, edits: options.edits)
            figures += try await CircleRevocationBench.run(scale: options.scale)
        }
        if options.only.contains("erasure") { figures += try ErasureBench.run(scale: options.scale) }
        print(options.json ? try Figure.json(figures) : Figure.table(figures))
    }
}
