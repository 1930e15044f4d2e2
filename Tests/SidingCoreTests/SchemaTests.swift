import SidingCore
import SidingTestKit
import Testing

/// The record schema is declared once; these check the declaration itself and that validation and
/// limits follow it for every declared field.
@Suite struct SchemaTests {
    static let contact = "c_aaaaaaaaaaaaaaaa"
    /// Keys every resource has besides its declared fields.
    static let resourceKeys: Set<String> = ["id", "deleted", "conflicts", "names"]

    @Test(arguments: Schema.records.map(\.kind)) func namesAndKeysAreUniqueAndFitTheLimits(_ kind: EntityKind) throws {
        let schema = try #require(Schema.record(of: kind))
        #expect(Set(schema.fields.map(\.name)).count == schema.fields.count)
        #expect(Set(schema.fields.map(\.jsonKey)).count == schema.fields.count)
        #expect(Self.resourceKeys.isDisjoint(with: schema.fields.map(\.jsonKey)))
        #expect(schema.fields.contains(schema.titleField) && !schema.titleField.isSet)
        for field in schema.fields {
            #expect(!field.name.isEmpty && field.name.utf8.count <= ChangeLimits.maxFieldNameBytes, "\(field.name)")
            #expect(field.maxBytes > 0 && field.maxBytes <= ChangeLimits.maxValueBytes, "\(field.name)")
        }
    }

    @Test func everyAliasNamesOneFieldInEveryKind() {
        let fields = Schema.records.flatMap(\.fields)
        for field in fields {
            #expect(Schema.fieldName(for: field.name) == field.name)
            for alias in field.aliases {
                #expect(Schema.fieldName(for: alias) == field.name, "\(alias)")
                #expect(!fields.contains { $0.name == alias }, "alias \(alias) is also a field name")
                #expect(Set(fields.filter { $0.aliases.contains(alias) }.map(\.name)) == [field.name], "\(alias)")
            }
        }
    }

    @Test(arguments: Schema.records.map(\.kind)) func everyFieldIsValidatedAndLimitedAsDeclared(_ kind: EntityKind) throws {
        let schema = try #require(Schema.record(of: kind))
        let title = schema.titleField
        for field in schema.fields {
            let value = SampleFieldValue.valid(for: field, contact: Self.contact)
            var edit = Edit(writes: [title.name: "t"])
            if field.isSet { edit.additions[field.name] = [value] } else { edit.writes[field.name] = value }
            let accepted = try EditValidation.validate(edit, kind: schema.kind, creating: true)
            #expect(field.isSet ? accepted.additions[field.name] == [value] : accepted.writes[field.name] == value, "\(field.name)")

            let wrongStorage = field.isSet ? Edit(writes: [field.name: value]) : Edit(additions: [field.name: [value]])
            // Refused with the form that works for this field (`emails=` → "add one with emails+=VALUE").
            let refusal = #expect(throws: EditError.self, "\(field.name)") {
                try EditValidation.validate(wrongStorage, kind: schema.kind, creating: false)
            }
            #expect(refusal?.description.contains(field.isSet ? "\(field.name)+=VALUE" : "\(field.name)=VALUE") == true, "\(field.name)")
            guard field.shape != .countryCode else { continue }
            let (limit, error): (Int, (Int) -> EditError) =
                switch field.maxLength {
                case .characters(let count): (count, { EditError.tooLong(field.name, limit: count, given: $0) })
                case .bytes(let count): (count, { EditError.tooManyBytes(field.name, limit: count, given: $0) })
                }
            let long = String(repeating: "a", count: limit + 1)
            let tooLong = field.isSet ? Edit(additions: [field.name: [long]]) : Edit(writes: [field.name: long])
            #expect(throws: error(limit + 1), "\(field.name)") {
                try EditValidation.validate(tooLong, kind: schema.kind, creating: false)
            }
        }
    }
}
