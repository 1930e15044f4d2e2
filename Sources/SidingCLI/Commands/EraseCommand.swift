import ArgumentParser
import Foundation
import SidingAPI
import SidingCore

/// `siding contact|note erase ID [--yes]`
struct EraseCommand<Records: RecordKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "erase",
            abstract: "Erase a \(Records.noun): every value of it dropped on every node that holds it. Cannot be undone.",
            discussion: """
                Only the node that created the \(Records.noun), or the owner of its circle, may erase it (the whole network \
                has no owner: there, only the node that created it). Its ID, who erased it and when remain (`\(Records.noun) list --erased`, \
                `siding history`); nothing can be written to it again. Backups made before the erase, and anything a partner \
                copied outside Siding, still hold its values: make a new backup afterwards and delete the older ones.
                Asks for confirmation on a terminal; give --yes in scripts.
                """)
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag
    @Argument(help: RecordArgument.help) var id: String
    @Flag(help: "Erase without asking (for scripts).") var yes = false

    func run() async throws {
        try await CLIRun.run(global) { client in
            var target = id
            if !yes {
                guard isatty(STDIN_FILENO) == 1 else {
                    throw CLIError("erasing \(id) cannot be undone and there is no terminal to confirm it on; pass --yes to erase it")
                }
                let (fullID, title, erased) = try await Self.describe(id, client)
                target = fullID
                // Already erased: the daemon's refusal says by whom and when; nothing to confirm.
                if !erased, !(try Self.confirmed(fullID, title: title)) { throw CLIError("\(fullID) was not erased (only yes erases it)") }
            }
            let erasure = try await client.erase(Records.resource, id: target)
            if output.json { return try Printer.json(erasure) }
            Printer.line("\(erasure.id) \(Views.erasedLine(erasure))")
        }
    }

    /// The record's full ID and title, so the user confirms the record the daemon will erase.
    private static func describe(_ typed: String, _ client: LocalAPIClient) async throws -> (String, String, Bool) {
        switch Records.resource {
        case .contacts:
            let contact = try await client.contact(typed)
            return (contact.id, contact.text(ContactSchema.name), contact.erased != nil)
        case .notes:
            let note = try await client.note(typed)
            return (note.id, note.text(NoteSchema.title), note.erased != nil)
        }
    }

    private static func confirmed(_ id: String, title: String) throws -> Bool {
        let named = title.isEmpty ? id : "\(id) (\(TerminalText.escape(title)))"
        let warning = [
            "Erase \(named)?",
            "Every value of this \(Records.noun) is dropped on this node and on every node that holds it (the members of its circle),",
            "and this cannot be undone: only its ID, who erased it and when remain. Backups made before now, and anything a partner",
            "copied outside Siding, still hold it: make a new backup afterwards and delete the older ones.",
            "Type yes to erase it: ",
        ]
        try? StandardStream.error.write(warning.joined(separator: "\n"))
        return readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes"
    }
}
