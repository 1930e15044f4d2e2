import SidingCore
import Testing

/// The pure part of an import: records held to the schema, shortened when asked, and merged under each policy.
@Suite struct ImportPlannerTests {
    static let contact = EntityID("c_aaaaaaaaaaaaaaaa")!

    @Test func truncateCutsByCharactersAsAPersonCountsThemAndSaysSo() throws {
        let scientist = "👩🏽‍🔬"
        let prepared = try ImportPlanner.prepare(
            writes: ["name": "Li Wei", "role": String(repeating: scientist, count: 205)], additions: [:], kind: .contact, truncate: true)
        #expect(prepared.edit.writes["role"] == String(repeating: scientist, count: 200))
        #expect(prepared.shortened == ["role shortened from 205 to 200 characters (--truncate)"])
        #expect(throws: EditError.tooLong("role", limit: 200, given: 205)) {
            try ImportPlanner.prepare(
                writes: ["name": "Li Wei", "role": String(repeating: scientist, count: 205)], additions: [:], kind: .contact, truncate: false)
        }
    }

    @Test func aBodyOverItsByteLimitIsCutAtACharacterBoundary() throws {
        let body = String(repeating: "水", count: 70_000)  // 210,000 bytes of UTF-8
        let prepared = try ImportPlanner.prepare(writes: ["title": "T", "body": body], additions: [:], kind: .note, truncate: true)
        let cut = try #require(prepared.edit.writes["body"])
        #expect(cut.utf8.count == 199_998 && cut.allSatisfy { $0 == "水" })
    }

    @Test func valuesOfAShapeAreNeverCutAndEmptyValuesAreNoStatement() throws {
        let long = String(repeating: "a", count: 250) + "@example.org"
        #expect(throws: EditError.self) {
            try ImportPlanner.prepare(writes: ["name": "Li"], additions: ["emails": [long]], kind: .contact, truncate: true)
        }
        let prepared = try ImportPlanner.prepare(
            writes: ["name": " Li Wei ", "role": "  "], additions: ["tags": ["water", "", "water"]], kind: .contact, truncate: false)
        #expect(prepared.edit.writes == ["name": "Li Wei"] && prepared.edit.additions == ["tags": ["water"]])
    }

    @Test func fillWritesOnlyEmptyFieldsAndUpdateWritesAll() {
        let dot = Dot(origin: OriginKey(bytes: [UInt8](repeating: 1, count: 32))!, seq: 1, index: 0)
        let held = EntityState(
            id: Self.contact, registers: ["name": [RegisterValue(value: "Li Wei", dot: dot, hlc: HLC(rawValue: 1))]], sets: [:])
        let imported = Edit(writes: ["name": "W. Li", "role": "Dean"], additions: ["tags": ["water"]])
        #expect(ImportPlanner.edit(imported, onto: held, policy: .fill) == Edit(writes: ["role": "Dean"], additions: ["tags": ["water"]]))
        #expect(ImportPlanner.edit(imported, onto: held, policy: .update) == imported)
    }

    @Test func theContentKeyIgnoresOrderButNotContent() {
        let a = ImportPlanner.contentKey(writes: ["name": "Li", "role": "Dean"], additions: ["tags": ["a", "b"]])
        #expect(a == ImportPlanner.contentKey(writes: ["role": "Dean", "name": "Li"], additions: ["tags": ["b", "a"]]))
        #expect(a != ImportPlanner.contentKey(writes: ["name": "Li", "role": "Dean "], additions: ["tags": ["a", "b"]]))
        #expect(a != ImportPlanner.contentKey(writes: ["name": "Li"], additions: ["role": ["Dean"], "tags": ["a", "b"]]))
        #expect(a.hasPrefix("sha256:") && a.count == 7 + 64)
    }
}
