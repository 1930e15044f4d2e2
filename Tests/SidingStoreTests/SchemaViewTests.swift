import Crypto
import Foundation
import SidingCore
import SidingTestKit
import Testing

@testable import SidingStore

/// The `contacts` and `notes` SQL views (migration 1, for people reading the database with sqlite3)
/// spell each field out; migrations are append-only, so a field declared later needs a migration that
/// recreates the views. This fails until it has one.
@Suite struct SchemaViewTests {
    static let views: [(name: String, schema: RecordSchema)] = [("contacts", ContactSchema.schema), ("notes", NoteSchema.schema)]

    @Test func eachViewShowsExactlyTheDeclaredFieldsUnderTheirNames() throws {
        let directory = TemporaryDirectory("schema-views")
        let store = try SQLiteStore(path: directory.file("views.db"))
        let key = Curve25519.Signing.PrivateKey()
        let contact = try #require(EntityID(kind: .contact, bytes: Array(repeating: 1, count: EntityID.randomByteCount)))
        let note = try #require(EntityID(kind: .note, bytes: Array(repeating: 2, count: EntityID.randomByteCount)))
        let operations = [(contact, ContactSchema.schema), (note, NoteSchema.schema)].flatMap { id, schema in
            schema.fields.map { field in
                let value = SampleFieldValue.valid(for: field, contact: contact.description)
                return Operation(entity: id, field: field.name, action: field.isSet ? .add(element: value) : .write(value: value, replaces: []))
            }
        }
        let change = try Change.sign(by: key, seq: 1, hlc: HLC(milliseconds: 1_000, counter: 0), operations: operations)
        #expect(try store.receive([change.encoded]) == [.applied])

        for (view, schema) in Self.views {
            let columns = try store.read { try $0.statement(sql: "PRAGMA table_info(\(view))").rows { $0.text(1) ?? "" } }
            #expect(columns == ["id"] + schema.fields.map(\.name) + ["deleted"], "view \(view)")
            for (index, field) in schema.fields.enumerated() {
                let shown = try store.read { connection in
                    try connection.statement(sql: "SELECT * FROM \(view)").rows { $0.text(Int32(index + 1)) ?? "" }
                }
                let value = SampleFieldValue.valid(for: field, contact: contact.description)
                #expect(shown == [field.isSet ? "[\"\(value)\"]" : value], "view \(view), column \(field.name)")
            }
        }
    }
}
