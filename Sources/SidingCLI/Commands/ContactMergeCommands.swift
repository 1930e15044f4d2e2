import ArgumentParser
import SidingAPI

/// `siding contact duplicates`: likely duplicates, each group with why and the command that merges it.
struct DuplicatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "List likely duplicate contacts: a shared e-mail or phone, or the same name and organisation (never by name alone).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    func run() async throws {
        try await CLIRun.run(global) { client in
            let groups = try await client.duplicates()
            output.json ? try Printer.json(groups) : Printer.line(Views.duplicates(groups))
        }
    }
}

/// `siding contact merge KEEP OTHER...`: one person, everything kept, as one change.
struct MergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge contacts into the one to keep, as one change.",
        discussion: """
            KEEP gains every e-mail, phone and tag of each OTHER, and each field it has empty from the first OTHER \
            that has it. Each OTHER is deleted and shows "merged into KEEP"; notes that list it list KEEP instead. \
            `siding contact restore OTHER` brings an OTHER back as it was.
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag
    @Argument(help: "The contact to keep: its ID, a unique ID prefix, or its name if only one contact has it.") var keep: String
    @Argument(help: "The contacts to merge into it (same forms).") var others: [String]

    func validate() throws {
        guard !others.isEmpty else { throw ValidationError("give at least one contact to merge into \(keep)") }
    }

    func run() async throws {
        try await CLIRun.run(global) { client in
            let result = try await client.merge(keep: keep, others: others)
            output.json ? try Printer.json(result) : Printer.line(Views.merge(result))
        }
    }
}

extension Views {
    /// `merged c_… into c_… (2 e-mails, 1 tag, role filled, 3 notes now list c_…)`.
    static func merge(_ result: MergeResult) -> String {
        func count(_ number: Int, _ noun: String) -> String? { number == 0 ? nil : "\(number) \(noun)\(number == 1 ? "" : "s")" }
        var parts = [count(result.emails, "e-mail"), count(result.phones, "phone"), count(result.tags, "tag")].compactMap { $0 }
        if !result.fields.isEmpty { parts.append(result.fields.joined(separator: ", ") + " filled") }
        if let notes = count(result.notes.count, "note") { parts.append("\(notes) now list\(result.notes.count == 1 ? "s" : "") \(result.keep)") }
        let gained = parts.isEmpty ? "nothing to add" : parts.joined(separator: ", ")
        return "merged \(result.merged.joined(separator: ", ")) into \(result.keep) (\(gained))"
    }

    /// Each group: who, why, and the command that settles it.
    static func duplicates(_ groups: [DuplicateGroup]) -> String {
        guard !groups.isEmpty else { return "no likely duplicates" }
        return groups.map { group in
            let people = zip(group.ids, group.names).map { id, name in TerminalText.escape(name.isEmpty ? id : "\(name) (\(id))") }
            let ids = group.ids.joined(separator: " ")
            let fix =
                group.reasons == [DuplicateGroup.mergedIntoEachOther]
                ? "  these were merged into each other on different nodes at the same time, so no live record shows the person "
                    + "(each holds everything); keep one:\n  "
                    + group.ids.map { "siding contact restore \($0)" }.joined(separator: " && ")
                    + " && siding contact merge \(ids)"
                : "  merge: siding contact merge \(ids)"
            return people.joined(separator: ", ") + "\n  " + TerminalText.escape(group.reasons.joined(separator: "; ")) + "\n" + fix
        }.joined(separator: "\n\n")
    }
}
