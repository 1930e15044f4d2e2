import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// Every field the schema declares flows through everything derived from it: the local API's resource
/// JSON, `siding … set FIELD=VALUE` (by name or alias), validation, the store, and `show` with and
/// without `--json`. A field missing from any of them fails here.
@Suite(.serialized) struct RecordSchemaTests {
    /// The `--json` keys README promises; the contract is additive only.
    static let documentedContactKeys: Set = [
        "id", "name", "organization", "role", "country", "emails", "phones", "tags", "bio", "deleted", "conflicts",
    ]
    static let documentedNoteKeys: Set = ["id", "title", "date", "conflict", "location", "participants", "tags", "body", "deleted", "conflicts"]
    static let contact = "c_aaaaaaaaaaaaaaaa"

    @Test func resourcesCarryEveryDeclaredFieldUnderItsJSONKey() throws {
        let contactKeys = try Self.roundTrip(ContactSchema.self)
        let noteKeys = try Self.roundTrip(NoteSchema.self)
        #expect(contactKeys.isSuperset(of: Self.documentedContactKeys))
        #expect(noteKeys.isSuperset(of: Self.documentedNoteKeys))
    }

    /// Encodes a resource holding a sample value in every field and decodes it back; returns its keys.
    static func roundTrip<Kind: DeclaredKind>(_ kind: Kind.Type) throws -> Set<String> {
        let fields = Kind.schema.fields
        let resource = RecordResource<Kind>(
            id: "x", texts: Dictionary(uniqueKeysWithValues: Kind.schema.registers.map { ($0.name, Self.sample($0)) }),
            sets: Dictionary(uniqueKeysWithValues: Kind.schema.sets.map { ($0.name, [Self.sample($0)]) }), deleted: true,
            conflicts: [fields[0].name])
        let data = try JSONEncoder().encode(resource)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == Set(fields.map(\.jsonKey) + ["id", "deleted", "conflicts", "names"]))
        for field in fields {
            let value = Self.sample(field)
            if field.isSet {
                #expect(resource.members(field) == [value] && object[field.jsonKey] as? [String] == [value], "\(field.name)")
            } else {
                #expect(resource.text(field) == value && object[field.jsonKey] as? String == value, "\(field.name)")
            }
        }
        #expect(try JSONDecoder().decode(RecordResource<Kind>.self, from: data) == resource)
        return Set(object.keys)
    }

    static func sample(_ field: FieldSpec) -> String { SampleFieldValue.valid(for: field, contact: contact) }

    @Test func everyDeclaredFieldIsSetAndShownThroughTheCLI() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        let contact = try Self.created(node, "contact", "add", "--name", "Li Wei")
        try Self.setAndShowEveryField(node, noun: "contact", id: contact, schema: ContactSchema.schema, contact: contact)
        let note = try Self.created(node, "note", "add", "--title", "Round 1", "--body", "text")
        try Self.setAndShowEveryField(node, noun: "note", id: note, schema: NoteSchema.schema, contact: contact)
    }

    static func created(_ node: TestNode, _ arguments: String...) throws -> String {
        let added = try node.sidingArguments(arguments)
        #expect(added.status == 0, "\(added.stderr)")
        return added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Sets every field with `siding NOUN set` (by its first alias when it has one), then checks both `show`s.
    static func setAndShowEveryField(_ node: TestNode, noun: String, id: String, schema: RecordSchema, contact: String) throws {
        let values = schema.fields.map { SampleFieldValue.valid(for: $0, contact: contact) }
        let assignments = zip(schema.fields, values).map { field, value in
            (field.aliases.first ?? field.name) + (field.isSet ? "+=" : "=") + value
        }
        let set = try node.sidingArguments([noun, "set", id] + assignments)
        #expect(set.status == 0, "\(set.stderr)")

        let json = try node.siding(noun, "show", id, "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let text = try node.siding(noun, "show", id).stdout.split(separator: "\n").map(String.init)
        for (field, value) in zip(schema.fields, values) {
            let shown = field.isSet ? object[field.jsonKey] as? [String] == [value] : object[field.jsonKey] as? String == value
            #expect(shown, "\(noun) --json: \(field.jsonKey) is \(object[field.jsonKey] ?? "missing")")
            // A record named by ID is shown with its name: `participants: Li Wei (c_…)`.
            let suffix = field.shape == .contactID ? "(\(value))" : " " + value
            #expect(text.contains { $0.hasPrefix(field.name + ":") && $0.hasSuffix(suffix) }, "\(noun) show: no line for \(field.name)")
        }
    }
}
