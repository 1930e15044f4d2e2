import SidingCore
import Testing

/// Country codes, limits counted in characters and case-insensitive tags: rules a user meets when typing.
@Suite struct FieldRuleTests {
    static let contact = EntityID("c_aaaaaaaaaaaaaaaa")!

    @Test func onlyTheAssignedCountryCodesAreAccepted() throws {
        #expect(CountryCode.assigned.count == 249)
        #expect(CountryCode.assigned.allSatisfy { $0.utf8.count == 2 && $0 == $0.uppercased() })
        for code in ["CN", "IN", "DE", "GB", "PS", "TW", "SS", "BQ"] { #expect(CountryCode.normalised(code) == code) }
        for code in ["UK", "EU", "XK", "AA", "ZZ", "EL"] { #expect(CountryCode.normalised(code) == nil, "\(code)") }
        let accepted = try EditValidation.validate(Edit(writes: ["name": "Li Wei", "country": "cn"]), kind: .contact, creating: true)
        #expect(accepted.writes["country"] == "CN")
        #expect(throws: EditError.invalid("country", "'UK' is not an ISO 3166-1 country code; did you mean GB?")) {
            try EditValidation.validate(Edit(writes: ["country": "UK"]), kind: .contact, creating: false)
        }
        #expect(throws: EditError.invalid("country", "'uk' is not an ISO 3166-1 country code; did you mean GB?")) {
            try EditValidation.validate(Edit(writes: ["country": "uk"]), kind: .contact, creating: false)
        }
        let unassigned = #expect(throws: EditError.self) {
            try EditValidation.validate(Edit(writes: ["country": "ZZ"]), kind: .contact, creating: false)
        }
        #expect(unassigned?.description.contains("not an assigned ISO 3166-1") == true)
        // An empty country clears the field.
        #expect(try EditValidation.validate(Edit(writes: ["country": ""]), kind: .contact, creating: false).writes["country"] == "")
    }

    @Test func phoneNumbersMayCarryAnExtensionAsTelURIsWriteIt() throws {
        for phone in ["+1-418-656-9254;ext=102", "+49 30 1234", "(030) 123.4/5"] {
            let accepted = try EditValidation.validate(Edit(additions: ["phones": [phone]]), kind: .contact, creating: false)
            #expect(accepted.additions["phones"] == [phone])
        }
        for phone in ["+1-418;ext=", "+1-418;ext=12a", ";ext=102", "+1-800-MYFAX", "business 1"] {
            #expect(throws: EditError.self, "\(phone)") {
                try EditValidation.validate(Edit(additions: ["phones": [phone]]), kind: .contact, creating: false)
            }
        }
    }

    @Test func limitsCountCharactersAsPeopleDo() throws {
        // 200 characters of a three-byte script, of decomposed accents and of skin-toned emoji all fit a 200-character name.
        for character in ["水", "e\u{301}", "👍🏽", "नि"] {
            let name = String(repeating: character, count: 200)
            #expect(name.count == 200 && name.utf8.count > 200)
            #expect(try EditValidation.validate(Edit(writes: ["name": name]), kind: .contact, creating: true).writes["name"] == name)
            let over = name + character
            #expect(throws: EditError.tooLong("name", limit: 200, given: 201)) {
                try EditValidation.validate(Edit(writes: ["name": over]), kind: .contact, creating: true)
            }
        }
        // One character of thousands of combining marks is held to the byte ceiling.
        let zalgo = "a" + String(repeating: "\u{301}", count: 2_000)
        #expect(zalgo.count == 1)
        #expect(throws: EditError.tooManyBytes("name", limit: 200 * FieldSpec.bytesPerCharacter, given: zalgo.utf8.count)) {
            try EditValidation.validate(Edit(writes: ["name": zalgo]), kind: .contact, creating: true)
        }
        // A body is limited by size.
        let body = String(repeating: "水", count: 70_000)
        #expect(throws: EditError.tooManyBytes("body", limit: 200_000, given: 210_000)) {
            try EditValidation.validate(Edit(writes: ["title": "t", "body": body]), kind: .note, creating: true)
        }
        #expect(ContactSchema.name.limitDescription == "up to 200 characters")
        #expect(NoteSchema.body.limitDescription == "up to 200,000 bytes of UTF-8")
    }

    @Test func tagsCompareIgnoringCase() throws {
        let dot = Dot(origin: OriginKey(bytes: [UInt8](repeating: 1, count: 32))!, seq: 1, index: 0)
        let other = Dot(origin: OriginKey(bytes: [UInt8](repeating: 2, count: 32))!, seq: 1, index: 0)
        let state = EntityState(id: Self.contact, sets: ["tags": ["Water": [dot], "WATER": [other], "rivers": [dot]]])
        #expect(EditPlanner.operations(for: Edit(additions: ["tags": ["water"]]), on: Self.contact, current: state).isEmpty)
        let added = EditPlanner.operations(for: Edit(additions: ["tags": ["Talks", "talks", "TALKS"]]), on: Self.contact, current: state)
        #expect(added == [Operation(entity: Self.contact, field: "tags", action: .add(element: "Talks"))])
        let removed = EditPlanner.operations(for: Edit(removals: ["tags": ["water"]]), on: Self.contact, current: state)
        #expect(
            removed == [
                Operation(entity: Self.contact, field: "tags", action: .remove(element: "WATER", removes: [other])),
                Operation(entity: Self.contact, field: "tags", action: .remove(element: "Water", removes: [dot])),
            ])
        // Fields that do not ignore case keep every spelling.
        let emailState = EntityState(id: Self.contact, sets: ["emails": ["li@example.org": [dot]]])
        #expect(EditPlanner.operations(for: Edit(additions: ["emails": ["LI@example.org"]]), on: Self.contact, current: emailState).count == 1)
    }

    @Test func restoreWritesTheTombstoneRegisterOverWhatItSaw() {
        let deletion = RegisterValue(
            value: EntityState.deletedValue, dot: Dot(origin: OriginKey(bytes: [UInt8](repeating: 1, count: 32))!, seq: 2, index: 0),
            hlc: HLC(rawValue: 5))
        let state = EntityState(id: Self.contact, registers: [EntityState.deletedField: [deletion]])
        #expect(state.isDeleted)
        let operations = EditPlanner.operations(for: .restore, on: Self.contact, current: state)
        #expect(operations == [Operation(entity: Self.contact, field: "deleted", action: .write(value: "false", replaces: [deletion.dot]))])
    }
}
