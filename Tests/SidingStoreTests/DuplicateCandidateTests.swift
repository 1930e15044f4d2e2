import SidingCore
import SidingTestKit
import Testing

@testable import SidingStore

/// The store's pre-grouping for `siding contact duplicates` never hides a match `DuplicateFinder`
/// would make: letters SQLite cannot fold, odd spacing and phone separators reach it, deleted
/// contacts do not, and contacts that share nothing are not returned at all.
@Suite struct DuplicateCandidateTests {
    static func id(_ letter: Character) -> EntityID { EntityID("c_" + String(repeating: letter, count: 16))! }

    @Test func everyMatchSurvivesTheStoresPreGrouping() throws {
        let directory = TemporaryDirectory("duplicates")
        let store = try SQLiteStore(path: directory.file("d.db"))
        var author = TestAuthor(9)
        func contact(_ letter: Character, _ name: String, org: String = "", emails: [String] = [], phones: [String] = []) -> [Operation] {
            let id = Self.id(letter)
            return [Operation(entity: id, field: "name", action: .write(value: name, replaces: []))]
                + (org.isEmpty ? [] : [Operation(entity: id, field: "organization", action: .write(value: org, replaces: []))])
                + emails.map { Operation(entity: id, field: "emails", action: .add(element: $0)) }
                + phones.map { Operation(entity: id, field: "phones", action: .add(element: $0)) }
        }
        let operations =
            contact("a", "Ólafur", emails: ["ÓLAFUR@x.is"]) + contact("b", "Olaf", emails: ["ólafur@x.is"])
            + contact("c", "Ana", phones: ["+34\t91 123 4567"]) + contact("d", "Ana B", phones: ["+34 (91) 123-45.67"])
            + contact("e", "Priya\u{A0}Raman", org: "ORF") + contact("f", "priya raman", org: "orf")
            + contact("g", "Li Wei", org: "Tsinghua") + contact("h", "LiWei", org: "Tsinghua")
            + contact("i", "Nobody", org: "Alone", emails: ["nobody@x.org"], phones: ["+1 555 0100 200"])
            + contact("j", "Gone", emails: ["nobody@x.org"])
            + [Operation(entity: Self.id("j"), field: EntityState.deletedField, action: .write(value: EntityState.deletedValue, replaces: []))]
        #expect(try store.receive([try author.sign(operations).encoded]) == [.applied])

        let candidates = try store.duplicateCandidates()
        #expect(!candidates.contains { $0.id == Self.id("i") || $0.id == Self.id("j") }, "a contact sharing nothing live is not read")
        let groups = DuplicateFinder.groups(candidates).map(\.ids)
        #expect(groups == [[Self.id("a"), Self.id("b")], [Self.id("c"), Self.id("d")], [Self.id("e"), Self.id("f")]], "\(groups)")
        #expect(candidates.first { $0.id == Self.id("c") }?.name == "Ana", "names are read for the report")
    }
}
