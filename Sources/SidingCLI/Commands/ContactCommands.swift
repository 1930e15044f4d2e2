import ArgumentParser
import SidingAPI
import SidingCore

struct ContactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact", abstract: "Add, edit, show, list, import and export contacts (people).",
        subcommands: [
            Add.self, Set.self, TagCommand<ContactRecords>.self, DeleteCommand<ContactRecords>.self, RestoreCommand<ContactRecords>.self,
            EraseCommand<ContactRecords>.self, Show.self, List.self, Import.self, Export.self, DuplicatesCommand.self, MergeCommand.self,
        ])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a contact; prints its ID.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Option(help: "Full name (required; \(ContactSchema.name.limitDescription)).") var name: String
        @Option(help: "Organisation (\(ContactSchema.organization.limitDescription)).") var org: String?
        @Option(help: "Role or position (\(ContactSchema.role.limitDescription)).") var role: String?
        @Option(help: "ISO 3166-1 alpha-2 country code, e.g. CN (GB for the United Kingdom).") var country: String?
        @Option(help: "E-mail address (repeatable; \(ContactSchema.emails.limitDescription)).") var email: [String] = []
        @Option(help: "Phone number (repeatable; \(ContactSchema.phones.limitDescription)).") var phone: [String] = []
        @Option(help: "Tag: one word, any case (repeatable; \(Schema.tags.limitDescription)).") var tag: [String] = []
        @Option(help: "Short biography (\(ContactSchema.bio.limitDescription)).") var bio: String?
        @Option(help: CircleOption.addHelp) var circle: String?

        func run() async throws {
            try await CLIRun.run(global) { client in
                typealias Field = ContactSchema
                var fields = [Field.name.name: name]
                fields[Field.organization.name] = org
                fields[Field.role.name] = role
                fields[Field.country.name] = country
                fields[Field.bio.name] = bio
                let sets = [Field.emails.name: email, Field.phones.name: phone, Field.tags.name: tag]
                let request = CreateRequest(set: fields, add: sets.filter { !$0.value.isEmpty }, circle: circle)
                try AddReport.print(try await client.create(.contacts, request), json: output.json)
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change fields: FIELD=VALUE (\(FieldAssignments.registerNames(ContactSchema.schema))); tags+=T, emails-=E for sets.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Argument(help: RecordArgument.help) var id: String
        @Argument(help: "FIELD=VALUE, FIELD+=VALUE or FIELD-=VALUE.") var assignments: [String]

        func run() async throws {
            try await CLIRun.run(global) { client in
                let result = try await client.edit(.contacts, id: id, try FieldAssignments.parse(assignments))
                try WriteReport.print(result, json: output.json)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one contact and the notes the person took part in.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Argument(help: RecordArgument.help) var id: String

        func run() async throws {
            try await CLIRun.run(global) { client in
                let contact = try await client.contact(id)
                if output.json { return try Printer.json(contact) }
                if let erasure = contact.erased { return Printer.record(Views.erasedRecord(erasure)) }
                Printer.record(Views.contactRecord(contact, notes: try await client.notes(participant: contact.id)))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List contacts, optionally filtered.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Option(help: "Only contacts with this tag (any case).") var tag: String?
        @Option(help: "Only contacts from this country (ISO code).") var country: String?
        @Option(help: "Only contacts of this organisation (exact, any case).") var org: String?
        @Option(help: CircleOption.listHelp) var circle: String?
        @Flag(help: "List deleted contacts instead (restore one with `contact restore`).") var deleted = false
        @Flag(help: "List erased contacts instead: ID, when and by which node, nothing else.") var erased = false

        func validate() throws {
            if erased, deleted || tag != nil || country != nil || org != nil || circle != nil {
                throw ValidationError("--erased lists every erased contact and takes no filter (an erased contact has no values left)")
            }
        }

        func run() async throws {
            try await CLIRun.run(global) { client in
                if erased {
                    let erasures = try await client.erasures(.contacts)
                    return output.json ? try Printer.json(erasures) : Printer.line(Views.erasureTable(erasures))
                }
                let contacts = try await client.contacts(circle: circle, tag: tag, country: country, organization: org, deleted: deleted)
                output.json ? try Printer.json(contacts) : Printer.line(Views.contactTable(contacts))
            }
        }
    }
}
