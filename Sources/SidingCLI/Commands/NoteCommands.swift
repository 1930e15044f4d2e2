import ArgumentParser
import Foundation
import SidingAPI
import SidingCore

struct NoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note", abstract: "Add, edit, show, list, import and export dialogue notes.",
        subcommands: [
            Add.self, Set.self, Edit.self, TagCommand<NoteRecords>.self, DeleteCommand<NoteRecords>.self, RestoreCommand<NoteRecords>.self,
            EraseCommand<NoteRecords>.self, Show.self, List.self, Import.self, Export.self,
        ])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a dialogue note; prints its ID.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Option(help: "Title (required; \(NoteSchema.title.limitDescription)).") var title: String
        @Option(help: "Date of the meeting, YYYY-MM-DD.") var date: String?
        @Option(help: "The conflict it concerns (\(NoteSchema.conflict.limitDescription)).") var conflict: String?
        @Option(help: "Where it took place (\(NoteSchema.location.limitDescription)).") var location: String?
        @Option(help: "A participant: contact ID, unique ID prefix or name (repeatable).") var participant: [String] = []
        @Option(help: "Tag: one word, any case (repeatable; \(Schema.tags.limitDescription)).") var tag: [String] = []
        @Option(help: "The note's text (\(NoteSchema.body.limitDescription)); without it or --body-file, $EDITOR opens on a terminal.")
        var body: String?
        @Option(help: "Read the text from a file, or - for standard input.") var bodyFile: String?
        @Option(help: CircleOption.addHelp) var circle: String?

        func validate() throws {
            if body != nil && bodyFile != nil { throw ValidationError("give either --body or --body-file, not both") }
            if body == nil && bodyFile == nil && !BodyEditor.stdinIsTerminal {
                throw ValidationError("give the note's text with --body TEXT or --body-file PATH (- for stdin)")
            }
        }

        func run() async throws {
            try await CLIRun.run(global) { client in
                typealias Field = NoteSchema
                var fields = [Field.title.name: title]
                fields[Field.date.name] = date
                fields[Field.conflict.name] = conflict
                fields[Field.location.name] = location
                var editor: BodyEditor?
                if let body {
                    fields[Field.body.name] = body
                } else if let bodyFile {
                    fields[Field.body.name] = try BodyFile.read(bodyFile)
                } else {
                    let session = try BodyEditor()
                    let text = try session.edit("")
                    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                        session.discard()
                        throw CLIError("the note's text is empty; nothing was added")
                    }
                    editor = session
                    fields[Field.body.name] = text
                }
                let sets = [Field.participants.name: participant, Field.tags.name: tag]
                let request = CreateRequest(set: fields, add: sets.filter { !$0.value.isEmpty }, circle: circle)
                let result: WriteResult
                do {
                    result = try await client.create(.notes, request)
                } catch {
                    if let editor { try? StandardStream.error.write("siding: your text is kept in \(editor.file)\n") }
                    throw error
                }
                editor?.discard()
                try AddReport.print(result, json: output.json)
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change fields: FIELD=VALUE (\(FieldAssignments.registerNames(NoteSchema.schema))); participants+=ID, tags-=T for sets.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Argument(help: RecordArgument.help) var id: String
        @Argument(help: "FIELD=VALUE, FIELD+=VALUE or FIELD-=VALUE.") var assignments: [String] = []
        @Option(help: "Replace the text with a file's content, or - for standard input.") var bodyFile: String?

        func run() async throws {
            try await CLIRun.run(global) { client in
                var request = assignments.isEmpty && bodyFile != nil ? EditRequest() : try FieldAssignments.parse(assignments)
                if let bodyFile { request.set[NoteSchema.body.name] = try BodyFile.read(bodyFile) }
                let result = try await client.edit(.notes, id: id, request)
                try WriteReport.print(result, json: output.json)
            }
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Edit a note: FIELD=VALUE… like `set`, or with none, its text in $VISUAL, $EDITOR or vi.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Argument(help: RecordArgument.help) var id: String
        @Argument(help: "FIELD=VALUE, FIELD+=VALUE or FIELD-=VALUE; none: edit the text.") var assignments: [String] = []

        func run() async throws {
            try await CLIRun.run(global) { client in
                let request: EditRequest
                let note = try await client.note(id)
                var editor: BodyEditor?
                if assignments.isEmpty {
                    let original = note.text(NoteSchema.body)
                    let session = try BodyEditor()
                    let edited = try session.edit(original)
                    guard edited != original else {
                        session.discard()
                        throw CLIError("the text is unchanged; nothing was saved")
                    }
                    guard !edited.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                        session.discard()
                        throw CLIError("the text is empty; nothing was saved (to clear it on purpose: `siding note set \(note.id) body=`)")
                    }
                    // A partner's edit may have arrived while the editor was open: never overwrite it unseen.
                    guard try await client.note(note.id).text(NoteSchema.body) == original else {
                        throw CLIError(
                            "the note's text changed while you edited it (a partner's edit arrived); nothing was saved. "
                                + "Your text is in \(session.file): merge it with `siding note show \(note.id)` and edit again")
                    }
                    editor = session
                    request = EditRequest(set: [NoteSchema.body.name: edited])
                } else {
                    request = try FieldAssignments.parse(assignments)
                }
                let result: WriteResult
                do {
                    result = try await client.edit(.notes, id: note.id, request)
                } catch {
                    if let editor { try? StandardStream.error.write("siding: your text is kept in \(editor.file)\n") }
                    throw error
                }
                editor?.discard()
                try WriteReport.print(result, json: output.json)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one note, with its full text.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Argument(help: RecordArgument.help) var id: String

        func run() async throws {
            try await CLIRun.run(global) { client in
                let note = try await client.note(id)
                if output.json { return try Printer.json(note) }
                Printer.record(note.erased.map(Views.erasedRecord) ?? Views.noteRecord(note))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List notes, newest first, optionally filtered.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Option(help: "Only notes about this conflict (exact, any case).") var conflict: String?
        @Option(help: "Only notes with this participant (contact ID, unique ID prefix or name).") var participant: String?
        @Option(help: "Only notes dated on or after this day, YYYY-MM-DD.") var since: String?
        @Option(help: "Only notes with this tag (any case).") var tag: String?
        @Option(help: CircleOption.listHelp) var circle: String?
        @Flag(help: "List deleted notes instead (restore one with `note restore`).") var deleted = false
        @Flag(help: "List erased notes instead: ID, when and by which node, nothing else.") var erased = false

        func validate() throws {
            if erased, deleted || conflict != nil || participant != nil || since != nil || tag != nil || circle != nil {
                throw ValidationError("--erased lists every erased note and takes no filter (an erased note has no values left)")
            }
        }

        func run() async throws {
            try await CLIRun.run(global) { client in
                if erased {
                    let erasures = try await client.erasures(.notes)
                    return output.json ? try Printer.json(erasures) : Printer.line(Views.erasureTable(erasures))
                }
                let notes = try await client.notes(
                    circle: circle, conflict: conflict, participant: participant, since: since, tag: tag, deleted: deleted)
                output.json ? try Printer.json(notes) : Printer.line(Views.noteTable(notes))
            }
        }
    }
}

/// Reads a note's text from a file or standard input, refusing bytes that are not UTF-8.
enum BodyFile {
    static func read(_ path: String) throws -> String {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CLIError("cannot read \(path); check the path and that you may read it")
            }
            data = contents
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw CLIError("\(path == "-" ? "standard input" : path) is not valid UTF-8 text; convert it (e.g. with iconv) and try again")
        }
        return text
    }
}
