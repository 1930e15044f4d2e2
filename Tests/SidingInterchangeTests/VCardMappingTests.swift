import SidingInterchange
import Testing

/// How a vCard's properties become Siding's fields.
@Suite struct VCardMappingTests {
    private func card(_ lines: String...) -> String {
        crlf(["BEGIN:VCARD", "VERSION:4.0"] + lines + ["END:VCARD"])
    }

    @Test func theNameFallsBackFromFNToNToOrganizationToEmail() throws {
        #expect(try onlyContact(readEveryWay(card("N:Okafor;Chidi;Emeka;Dr.;", "FN:Dr. Chidi Okafor"))).fields["name"] == "Dr. Chidi Okafor")
        #expect(try onlyContact(readEveryWay(card("N:Okafor;Chidi;Emeka;Dr.;"))).fields["name"] == "Chidi Emeka Okafor")
        #expect(try onlyContact(readEveryWay(card("ORG:Red Cross;Logistics", "EMAIL:a@example.org"))).fields["name"] == "Red Cross")
        #expect(try onlyContact(readEveryWay(card("EMAIL:a@example.org", "EMAIL:b@example.org"))).fields["name"] == "a@example.org")
        let nameless = try readEveryWay(card("TEL:+1 555 0100", "NOTE:who?"))
        #expect(nameless.items == [.unreadable(position: 1, reason: "no name: the card has no FN, N, ORG or EMAIL")])
    }

    @Test func fieldsAndSetsMap() throws {
        let contact = try onlyContact(
            readEveryWay(
                card(
                    "FN:Fatima Zahra", "ORG:UNHCR;Protection;Unit 3", "ROLE:Coordinator", "TITLE:Field officer", "EMAIL;TYPE=work:fz@example.org",
                    "EMAIL:mailto:fz@home.example", "EMAIL:fz@example.org", "TEL;VALUE=uri;TYPE=cell:tel:+212-5-555-5555;ext=5555",
                    "TEL;TYPE=home:+212 5 22 00 00 00", "CATEGORIES:Partners,My Contacts,Starred in Android,System Group: Coworkers",
                    "CATEGORIES:Morocco", "NOTE:Met in Rabat.", "NOTE:Speaks Arabic and French.")))
        #expect(
            contact.fields == [
                "name": "Fatima Zahra", "organization": "UNHCR", "role": "Field officer",
                "bio": "Met in Rabat.\n\nSpeaks Arabic and French.",
            ])
        #expect(
            contact.sets == [
                "emails": ["fz@example.org", "fz@home.example"], "phones": ["+212-5-555-5555;ext=5555", "+212 5 22 00 00 00"],
                "tags": ["Partners", "Morocco"],
            ])
        #expect(try onlyContact(readEveryWay(card("FN:X", "ROLE:Coordinator"))).fields["role"] == "Coordinator")
    }

    @Test func theCountryComesFromThePreferredAddressWhenItIsOneCode() throws {
        let preferred4 = card("FN:A", "ADR;TYPE=home:;;;;;;Narnia", "ADR;PREF=1;TYPE=work:;;;;;;U.S.A.")
        #expect(try onlyContact(readEveryWay(preferred4)).fields["country"] == "US")
        let preferred3 = crlf("BEGIN:VCARD", "VERSION:3.0", "FN:A", "ADR:;;;;;;France", "ADR;TYPE=work,pref:;;;;;;Россия", "END:VCARD")
        #expect(try onlyContact(readEveryWay(preferred3)).fields["country"] == "RU")
        let preferred21 = crlf("BEGIN:VCARD", "VERSION:2.1", "FN:A", "ADR;HOME:;;;;;;de", "ADR;WORK;PREF:;;;;;;中国", "END:VCARD")
        #expect(try onlyContact(readEveryWay(preferred21)).fields["country"] == "CN")
        #expect(try onlyContact(readEveryWay(card("FN:A", "ADR:;;;;;;Great Britain"))).fields["country"] == "GB")
        #expect(try onlyContact(readEveryWay(card("FN:A", "ADR:;;;;;;Deutschland"))).fields["country"] == "DE")
        let unmapped = try onlyContact(readEveryWay(card("FN:A", "ADR;PREF=1:;;;;;;Narnia", "ADR:;;;;;;Japan")))
        #expect(unmapped.fields["country"] == nil)
        #expect(unmapped.notices == ["country 'Narnia' is not one ISO 3166-1 code; left empty"])
        #expect(try onlyContact(readEveryWay(card("FN:A", "ADR:;;;;;;Congo"))).fields["country"] == nil)
    }

    @Test func uidsBecomeSidingIDsOrSourceKeys() throws {
        let own = try onlyContact(readEveryWay(card("UID:urn:siding:c-7f3a", "FN:A")))
        #expect(own.sidingID == "c-7f3a")
        #expect(own.sourceKey == nil)
        let foreign = try onlyContact(readEveryWay(card("UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1", "FN:A")))
        #expect(foreign.sidingID == nil)
        #expect(foreign.sourceKey == "vcard-uid:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1")
        #expect(try onlyContact(readEveryWay(card("FN:A"))).sourceKey == nil)
    }

    @Test func positionsAreCardNumbersAndEveryCardIsOneItem() throws {
        let file = card("FN:One") + card("TEL:1") + "junk between cards\r\n" + card("FN:Three")
        let result = try readEveryWay(file)
        #expect(result.items.count == 3)
        #expect(result.contacts.map(\.position) == [1, 3])
        #expect(result.formatDescription == "vCard 4.0")
    }

    @Test func aCardLeftOpenAtTheEndIsStillRead() throws {
        let result = try readEveryWay("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Unfinished")
        #expect(result.contacts.map { $0.fields["name"] } == ["Unfinished"])
    }

    @Test func aFileThatIsNotAVCardIsRefusedWhenVCardWasAsked() {
        #expect(throws: InterchangeError.notAContactFile(expected: "a vCard file", fileName: "people.txt")) {
            try readText("Name,E-mail\nA,a@example.org\n", name: "people.txt", options: ContactFileOptions(format: .vcard))
        }
        #expect(throws: InterchangeError.formatNotReadHere(.jsonl)) {
            try readText("{}", name: "a.jsonl", options: ContactFileOptions(format: .jsonl))
        }
        let error = InterchangeError.notAContactFile(expected: "a vCard file", fileName: "people.txt")
        #expect(error.description.contains("--format"))
    }
}
