import ArgumentParser
import Foundation
import SidingAPI
import SidingCore
import SidingInterchange

/// Options `contact import` and `note import` share.
struct ImportOptions: ParsableArguments {
    @Option(
        help:
            "What to do with a record already held: skip (default), update (the file's values win; sets unioned), fill (only empty fields), new (always create)."
    )
    var onDuplicate: String = DuplicatePolicy.skip.rawValue
    @Flag(help: "Shorten text over its limit (and say so) instead of failing the record.") var truncate = false
    @Flag(help: "Report what would happen; write nothing.") var dryRun = false
    @Option(help: "Also write the report as JSON to this file (replaced if it exists).") var report: String?
    @Flag(help: "Print the report as one JSON object.") var json = false

    func validate() throws {
        guard DuplicatePolicy(rawValue: onDuplicate) != nil else {
            throw ValidationError("--on-duplicate must be one of \(DuplicatePolicy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func request(matchEmail: Bool) -> ImportRequest {
        ImportRequest(
            dryRun: dryRun, onDuplicate: DuplicatePolicy(rawValue: onDuplicate) ?? .skip, matchEmail: matchEmail, truncate: truncate, records: [])
    }

    /// Runs the import and prints its report; exits 1 if any record failed.
    func run(_ run: ImportRun, client: LocalAPIClient) async throws {
        let result = try await run.run(client, progress: ImportProgress(terminal: isatty(STDERR_FILENO) == 1))
        if let report {
            do {
                try result.writeJSON(to: try OutputFile(report, replacing: true))
            } catch {
                try? StandardStream.error.write("siding: cannot write the report to \(report): \(error)\n")
            }
        }
        json ? try result.writeJSON(to: try OutputFile("-")) : Printer.line(result.text)
        if result.failed > 0 { throw ExitCode.failure }
    }
}

extension ContactCommand {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import contacts from a vCard, CSV or JSON Lines file; prints what was created, updated, skipped and why.",
            discussion: """
                Duplicates are matched by Siding ID (Siding's own exports), then by the record's key in the file it came from \
                (a vCard UID, or a CSV row's content) if it was imported before, then with --match-email by e-mail; never by name. \
                The file is read twice: first to check that all of it decodes (else nothing is imported), then to import it. \
                Each contact is its own change; if the import stops, run it again: what was imported is matched, not created twice.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The file to import.") var file: String
        @Option(help: "\(ImportFormat.names) (default: auto, from the file's content and name).") var format: String = ImportFormat.auto.rawValue
        @Option(help: ArgumentHelp("A CSV column's field: COLUMN=FIELD, e.g. \"Full name=name\" (repeatable).", valueName: "COLUMN=FIELD"))
        var map: [String] = []
        @Flag(help: "Also match contacts by e-mail address.") var matchEmail = false
        @Option(help: "The file's character set, e.g. windows-1252 (default: detected).") var charset: String?
        @OptionGroup var options: ImportOptions

        func validate() throws {
            guard ImportFormat(rawValue: format) != nil else { throw ValidationError("--format must be one of \(ImportFormat.names)") }
            for pair in map where !pair.contains("=") { throw ValidationError("--map takes COLUMN=FIELD, e.g. \"Full name=name\"") }
        }

        func run() async throws {
            try await CLIRun.run(global) { client in
                let format = ImportFormat(rawValue: format) ?? .auto
                var mapping: [String: String] = [:]
                for pair in map {
                    let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    mapping[String(parts[0])] = Schema.fieldName(for: String(parts.count > 1 ? parts[1] : ""))
                }
                let readerOptions = ContactImportOptions(charset: charset, mapping: mapping)
                let run = ImportRun(kind: .contact, path: file, request: options.request(matchEmail: matchEmail)) { [file] firstBytes in
                    try format.reader(for: .contact, path: file, firstBytes: firstBytes, options: readerOptions)
                }
                try await options.run(run, client: client)
            }
        }
    }
}

extension NoteCommand {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import dialogue notes from a JSON Lines file (as `note export` writes it); participants must be known contacts.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The JSON Lines file to import.") var file: String
        @OptionGroup var options: ImportOptions

        func run() async throws {
            try await CLIRun.run(global) { client in
                let run = ImportRun(kind: .note, path: file, request: options.request(matchEmail: false)) { _ in JSONLinesReader(kind: .note) }
                try await options.run(run, client: client)
            }
        }
    }
}
