import SidingCore
import Testing

/// Likely duplicates: shared e-mail (any case), shared phone (digits, leading + kept), same name and
/// organisation (any case and spacing); never by name alone; groups are connected components.
@Suite struct DuplicateFinderTests {
    static func id(_ letter: Character) -> EntityID { EntityID("c_" + String(repeating: letter, count: 16))! }

    @Test func pairsJoinIntoGroupsWithTheirReasons() {
        let contacts = [
            DuplicateFinder.Contact(id: Self.id("a"), name: "Li Wei", emails: ["Li.Wei@Tsinghua.edu.cn"]),
            DuplicateFinder.Contact(id: Self.id("b"), name: "Wei Li", emails: ["li.wei@tsinghua.edu.cn"], phones: ["+49 30 1234"]),
            DuplicateFinder.Contact(id: Self.id("c"), name: "W. Li", phones: ["+4930-1234"]),
            DuplicateFinder.Contact(id: Self.id("d"), name: "Priya  Raman", organization: "ORF"),
            DuplicateFinder.Contact(id: Self.id("e"), name: "priya raman", organization: " orf "),
            // Same name, no organisation, or another organisation: two people, not one.
            DuplicateFinder.Contact(id: Self.id("f"), name: "Ana Lopez"),
            DuplicateFinder.Contact(id: Self.id("g"), name: "Ana Lopez"),
            DuplicateFinder.Contact(id: Self.id("h"), name: "Priya Raman", organization: "IDSA"),
            // A short number (a placeholder) says nothing; 4930 1234 without + is another number.
            DuplicateFinder.Contact(id: Self.id("i"), name: "X", phones: ["112", "4930 1234"]),
            DuplicateFinder.Contact(id: Self.id("j"), name: "Y", phones: ["112"]),
        ]
        let groups = DuplicateFinder.groups(contacts.reversed())
        #expect(groups.map(\.ids) == [[Self.id("a"), Self.id("b"), Self.id("c")], [Self.id("d"), Self.id("e")]])
        #expect(groups.first?.reasons == ["e-mail li.wei@tsinghua.edu.cn", "phone +49301234"])
        #expect(groups.last?.reasons.count == 1 && groups.last?.reasons.first?.hasPrefix("name and organization") == true)
        #expect(DuplicateFinder.groups(contacts) == groups, "the order does not depend on the input's")
    }

    @Test func phonesCompareByDigitsKeepingALeadingPlus() {
        #expect(DuplicateFinder.phoneKey("+49 30 1234") == "+49301234")
        #expect(DuplicateFinder.phoneKey("+4930-1234") == "+49301234")
        #expect(DuplicateFinder.phoneKey("(030) 123.4/5") == "03012345")
        #expect(DuplicateFinder.phoneKey("0") == nil)
    }
}
