import ArgumentParser
import SidingAPI
import SidingCore

/// What differs between the contact and note versions of a command: which records it addresses.
protocol RecordKind {
    static var resource: LocalAPIClient.Kind { get }
    static var noun: String { get }
}

enum ContactRecords: RecordKind {
    static var resource: LocalAPIClient.Kind { .contacts }
    static var noun: String { "contact" }
}

enum NoteRecords: RecordKind {
    static var resource: LocalAPIClient.Kind { .notes }
    static var noun: String { "note" }
}

/// `siding contact|note tag ID [--add T]… [--remove T]…`
struct TagCommand<Records: RecordKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "tag", abstract: "Add or remove tags.") }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag
    @Argument(help: RecordArgument.help) var id: String
    @Option(help: "Tag to add (repeatable).") var add: [String] = []
    @Option(help: "Tag to remove (repeatable).") var remove: [String] = []

    func run() async throws {
        try await CLIRun.run(global) { client in
            guard !add.isEmpty || !remove.isEmpty else { throw CLIError("give --add TAG or --remove TAG") }
            let result = try await client.edit(
                Records.resource, id: id, EditRequest(add: [Schema.tags.name: add], remove: [Schema.tags.name: remove]))
            try WriteReport.print(result, json: output.json)
        }
    }
}

/// `siding contact|note delete ID`
struct DeleteCommand<Records: RecordKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "delete", abstract: "Delete a \(Records.noun) (a tombstone every partner receives).")
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag
    @Argument(help: RecordArgument.help) var id: String

    func run() async throws {
        try await CLIRun.run(global) { client in try WriteReport.print(try await client.delete(Records.resource, id: id), json: output.json) }
    }
}

/// `siding contact|note restore ID`
struct RestoreCommand<Records: RecordKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "restore",
            abstract: "Bring back a deleted \(Records.noun) (list them with `\(Records.noun) list --deleted`).",
            discussion:
                "If a partner deleted it again meanwhile, the two meet as a conflict (`siding conflicts`) and it stays deleted until you choose.")
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag
    @Argument(help: RecordArgument.help) var id: String

    func run() async throws {
        try await CLIRun.run(global) { client in
            let result = try await client.restore(Records.resource, id: id)
            if output.json { return try Printer.json(result) }
            Printer.line(result.changed ? result.id : "\(result.id) (no change: it is not deleted)")
        }
    }
}

/// How commands that take a record describe it.
enum RecordArgument {
    static let help: ArgumentHelp = "The record: its ID, a unique ID prefix (c_k3j9), or its name or title if only one record has it."
}

/// What a write command prints: the ID, or that nothing needed to change.
enum WriteReport {
    static func print(_ result: WriteResult, json: Bool) throws {
        if json { return try Printer.json(result) }
        Printer.line(result.changed ? result.id : "\(result.id) (no change: it already had those values)")
    }
}
