import ArgumentParser
import Foundation
import SidingAPI
import SidingCore
import SidingInterchange

/// A record from the local API as the interchange writers take it.
enum InterchangeMapping {
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
                let contacts = try await client.contacts(tag: tag, country: country, organization: org)
                let file = try OutputFile(output)
                // JSON Lines is Siding's own lossless shape, every key present as `--json` prints it (notes too).
                let lines = JSONLinesWriter(kind: .contact)
                let writer = ContactFileWriter(format: chosen)
                try file.write(writer.header)
                for contact in contacts {
                    let record = InterchangeMapping.record(contact)
                    try file.write(chosen == .jsonl ? lines.write(record) : writer.write(record))
                }
                try file.finish()
                if !file.isStandardOutput { try? StandardStream.error.write("wrote \(contacts.count) contacts to \(output)\n") }
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
                let notes = try await client.notes()
                if format == "jsonl" {
                    let file = try OutputFile(output ?? "-")
                    let writer = JSONLinesWriter(kind: .note)
                    for note in notes { try file.write(writer.write(InterchangeMapping.record(note))) }
                    try file.finish()
                    if !file.isStandardOutput { try? StandardStream.error.write("wrote \(notes.count) notes to \(output ?? "-")\n") }
                    return
                }
                try await writeMarkdown(notes, client: client, directory: output ?? "")
            }
        }

        private func writeMarkdown(_ notes: [NoteResource], client: LocalAPIClient, directory: String) async throws {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw CLIError("cannot make the directory \(directory): \(error.localizedDescription)")
            }
            let contacts = try await client.contacts() + client.contacts(deleted: true)
            let names = Dictionary(contacts.map { ($0.id, $0.text(ContactSchema.name)) }, uniquingKeysWith: { first, _ in first })
            var written = 0
            var kept: [String] = []
            for note in notes {
                let record = InterchangeMapping.record(note)
                let path = (directory as NSString).appendingPathComponent(NoteMarkdown.fileName(record))
                let file: OutputFile
                do {
                    file = try OutputFile(path)
                } catch {
                    kept.append(path)
                    continue
                }
                try file.write(NoteMarkdown.file(record, participantNames: names))
                try file.finish()
                written += 1
            }
            Printer.line("wrote \(written) of \(notes.count) notes to \(directory)")
            guard kept.isEmpty else {
                throw CLIError(
                    "\(kept.count) files were already there and are left as they were (exports never overwrite): \(kept.joined(separator: ", "))")
            }
        }
    }
}
