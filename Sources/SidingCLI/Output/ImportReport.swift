import Foundation
import SidingAPI
import SidingCore
import SidingInterchange

/// What `siding contact import` reports: every record of the file accounted for
/// (`created + updated + unchanged + skipped + failed == records`). `--json` prints it as one object
/// (`writeJSON`): file, format, charset, dry_run, records, the five counts, and items.
struct ImportReport {
    var file: String
    var format: String
    var charset: String
    var dryRun: Bool
    var records: Int
    var created = 0
    var updated = 0
    var unchanged = 0
    var skipped = 0
    var failed = 0
    /// Every record's outcome, in file order.
    var items: [ImportItem] = []
    /// Records the CLI settled without the daemon (unreadable, or repeating an earlier record of the file).
    private(set) var settledLocally = 0
    /// Records that repeat an earlier one, by position: they get its ID once it is known.
    private var repeats: [Int: Int] = [:]

    init(file: String, format: String, charset: String, dryRun: Bool, records: Int) {
        self.file = file
        self.format = format
        self.charset = charset
        self.dryRun = dryRun
        self.records = records
    }

    mutating func add(_ item: ImportItem, locally: Bool = false, sameAs earlier: Int? = nil) {
        items.append(item)
        if locally { settledLocally += 1 }
        if let earlier { repeats[item.position] = earlier }
        switch item.outcome {
        case .created: created += 1
        case .updated: updated += 1
        case .unchanged: unchanged += 1
        case .skipped: skipped += 1
        case .failed: failed += 1
        }
    }

    /// Puts the items in file order and gives each repeat the ID of the record it repeats.
    mutating func finish() {
        items.sort { $0.position < $1.position }
        guard !repeats.isEmpty else { return }
        let ids = Dictionary(items.map { ($0.position, $0.id) }, uniquingKeysWith: { first, _ in first })
        for index in items.indices {
            if let earlier = repeats[items[index].position] { items[index].id = ids[earlier] ?? nil }
        }
    }

    /// The report as one JSON object (keys sorted, as `Printer.json` writes them), written item by
    /// item: a report of 100,000 records never exists as one value in memory.
    func writeJSON(to output: OutputFile) throws {
        func line(_ key: String, _ value: String) -> String { "  \(JSONText.quoted(key)) : \(value),\n" }
        try output.write("{\n" + line("charset", JSONText.quoted(charset)) + line("created", "\(created)") + line("dry_run", "\(dryRun)"))
        try output.write(line("failed", "\(failed)") + line("file", JSONText.quoted(file)) + line("format", JSONText.quoted(format)))
        try output.write("  \"items\" : [\n")
        for (index, item) in items.enumerated() {
            let notices = "[" + item.notices.map(JSONText.quoted).joined(separator: ",") + "]"
            try output.write(
                "    {\"id\":\(item.id.map(JSONText.quoted) ?? "null"),\"name\":\(JSONText.quoted(item.name)),\"notices\":\(notices),"
                    + "\"outcome\":\"\(item.outcome.rawValue)\",\"position\":\(item.position),\"reason\":\(item.reason.map(JSONText.quoted) ?? "null")}"
                    + (index == items.count - 1 ? "\n" : ",\n"))
        }
        try output.write("  ],\n" + line("records", "\(records)") + line("skipped", "\(skipped)") + line("unchanged", "\(unchanged)"))
        try output.write("  \"updated\" : \(updated)\n}\n")
        try output.finish()
    }

    /// The report for people: counts, then every record that was skipped or failed or has something to say.
    var text: String {
        var lines = [
            "\(dryRun ? "Dry run (nothing written): " : "")\(file): \(format), \(charset), \(records) record\(records == 1 ? "" : "s")",
            "created \(created), updated \(updated), unchanged \(unchanged), skipped \(skipped), failed \(failed)",
        ]
        for item in items where item.outcome == .skipped || item.outcome == .failed || item.reason != nil || !item.notices.isEmpty {
            let who = [item.name.isEmpty ? nil : item.name, item.id.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
            var line = "  #\(item.position) \(item.outcome.rawValue)" + (who.isEmpty ? "" : " \(who)")
            if let reason = item.reason { line += ": \(reason)" }
            lines.append(TerminalText.escape(line))
            for notice in item.notices { lines.append("      note: " + TerminalText.escape(notice)) }
        }
        return lines.joined(separator: "\n")
    }
}

/// Progress of an import on a terminal: one rewritten line on stderr, erased at the end so the report
/// follows on a clean line (as `sync --wait` does).
final class ImportProgress {
    let terminal: Bool
    private var shown = false

    init(terminal: Bool) { self.terminal = terminal }

    func show(done: Int, total: Int) {
        guard terminal else { return }
        shown = true
        try? StandardStream.error.write("\r\u{1B}[Kimporting: \(done) of \(total) records")
    }

    func finish() {
        if terminal && shown { try? StandardStream.error.write("\r\u{1B}[K") }
        shown = false
    }
}
