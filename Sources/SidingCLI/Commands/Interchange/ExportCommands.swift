import ArgumentParser
import Foundation
import SidingAPI
import SidingCore
import SidingInterchange

/// A record from the local API as the interchange writers take it.
enum InterchangeMapping {
    /// Records per request while exporting: pages keep the daemon's and the CLI's memory small.
    static let pageSize = 1_000

    /// Calls `body` with each page of live notes, in ID order; returns how many there were.
    static func eachNotePage(_ client: LocalAPIClient, _ body: ([NoteResource]) async throws -> Void) async throws -> Int {
        var count = 0
        var after: String?
        while true {
            let page = try await client.notesPage(after: after, size: pageSize)
            try await body(page)
            count += page.count
            guard page.count == pageSize, let last = page.last else { return count }
            after = last.id
        }
    }

    /// Every contact's name by ID (deleted ones too), for naming participants.
    static func contactNames(_ client: LocalAPIClient) async throws -> [String: String] {
        var names: [String: String] = [:]
        var after: String?
        while true {
            let page = try await client.contactsPage(after: after, size: pageSize)
            for contact in page { names[contact.id] = contact.text(ContactSchema.name) }
            guard page.count == pageSize, let last = page.last else { break }
            after = last.id
        }
        for contact in try await client.contacts(deleted: true) { names[contact.id] = contact.text(ContactSchema.name) }
        return names
    }

    static func record<Kind>(_ resource: RecordResource<Kind>) -> InterchangeContact {
        var record = InterchangeContact(position: 0, sidingID: resource.id)
        for field in Kind.schema.fields {
            if field.isSet {
                let members = resource.members(field)
                if !members.isEmpty { record.sets[field.name] = members }
            } else {
                let text = resource.text(field)
                if !text.isEmpty { record.fields[field.name] = text }
            }
        }
        return record
    }
}

extension ContactCommand {
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export contacts as vCard 4.0 (or 3.0), Google or Outlook CSV, or lossless JSON Lines; the list filters apply.",
            discussion: "Every export carries each contact's Siding ID, so importing it again (here or on a partner's node) creates nothing twice.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "vcard|vcard3|google-csv|outlook-csv|jsonl.") var format: String = ContactFileFormat.vcard.rawValue
        @Option(help: "A new file to write, or - for standard output (an existing file is never overwritten).") var output: String = "-"
        @Option(help: "Only contacts with this tag (any case).") var tag: String?
        @Option(help: "Only contacts from this country (ISO code).") var country: String?
        @Option(help: "Only contacts of this organisation (exact, any case).") var org: String?

        static let formats: [ContactFileFormat] = [.vcard, .vcard3, .googleCSV, .outlookCSV, .jsonl]

        func validate() throws {
            guard let chosen = ContactFileFormat(rawValue: format), Self.formats.contains(chosen) else {
                throw ValidationError("--format must be one of \(Self.formats.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            try await CLIRun.run(global) { client in
                let chosen = ContactFileFormat(rawValue: format) ?? .vcard
                let file = try OutputFile(output)
                // JSON Lines is Siding's own lossless shape, every key present as `--json` prints it (notes too).
                let lines = JSONLinesWriter(kind: .contact)
                let writer = ContactFileWriter(format: chosen)
                try file.write(writer.header)
                var count = 0
                var after: String?
                while true {
                    let page = try await client.contactsPage(
                        tag: tag, country: country, organization: org, after: after, size: InterchangeMapping.pageSize)
                    for contact in page {
                        let record = InterchangeMapping.record(contact)
                        try file.write(chosen == .jsonl ? lines.write(record) : writer.write(record))
                    }
                    count += page.count
                    guard page.count == InterchangeMapping.pageSize, let last = page.last else { break }
                    after = last.id
                }
                try file.finish()
                if !file.isStandardOutput { try? StandardStream.error.write("wrote \(count) contacts to \(output)\n") }
            }
        }
    }
}

extension NoteCommand {
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export notes as JSON Lines (lossless, with IDs) or as Markdown files with front matter, one per note.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "jsonl or markdown.") var format: String = "jsonl"
        @Option(help: "jsonl: a new file, or - for standard output; markdown: a directory (made if missing; existing files are kept).")
        var output: String?

        func validate() throws {
            guard ["jsonl", "markdown"].contains(format) else { throw ValidationError("--format must be jsonl or markdown") }
            if format == "markdown", output == nil || output == "-" { throw ValidationError("--format markdown needs --output DIRECTORY") }
        }

        func run() async throws {
            try await CLIRun.run(global) { client in
                if format == "jsonl" {
                    let file = try OutputFile(output ?? "-")
                    let writer = JSONLinesWriter(kind: .note)
                    let count = try await InterchangeMapping.eachNotePage(client) { page in
                        for note in page { try file.write(writer.write(InterchangeMapping.record(note))) }
                    }
                    try file.finish()
                    if !file.isStandardOutput { try? StandardStream.error.write("wrote \(count) notes to \(output ?? "-")\n") }
                    return
                }
                try await writeMarkdown(client: client, directory: output ?? "")
            }
        }

        private func writeMarkdown(client: LocalAPIClient, directory: String) async throws {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw CLIError("cannot make the directory \(directory): \(error.localizedDescription)")
            }
            let names = try await InterchangeMapping.contactNames(client)
            var written = 0
            var kept: [String] = []
            let count = try await InterchangeMapping.eachNotePage(client) { page in
                for note in page {
                    let record = InterchangeMapping.record(note)
                    let path = (directory as NSString).appendingPathComponent(NoteMarkdown.fileName(record))
                    guard let file = try? OutputFile(path) else {
                        kept.append(path)
                        continue
                    }
                    try file.write(NoteMarkdown.file(record, participantNames: names))
                    try file.finish()
                    written += 1
                }
            }
            Printer.line("wrote \(written) of \(count) notes to \(directory)")
            guard kept.isEmpty else {
                throw CLIError(
                    "\(kept.count) files were already there and are left as they were (exports never overwrite): \(kept.joined(separator: ", "))")
            }
        }
    }
}
