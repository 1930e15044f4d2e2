import SidingInterchange
import Testing

/// Hand-written CSV files as Google, Outlook and Thunderbird write them, and spreadsheets read with --map.
@Suite struct CSVReaderTests {
    private let googleCurrentHeader =
        "First Name,Middle Name,Last Name,Phonetic First Name,Nickname,File As,Organization Name,Organization Title,Birthday,Notes,"
        + "Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,"
        + "Address 1 - Label,Address 1 - Country"

    @Test func googleCurrentWithMultiValuesQuotedLineBreaksAndSystemGroups() throws {
        let file =
            "\u{FEFF}\(googleCurrentHeader)\r\n"
            + "Priya,,Sharma,,,,Seva Trust,Director,,\"Met at the fair.\r\nFollow up, in March.\",* myContacts ::: Partners ::: * starred,"
            + "Work,priya@example.org ::: p.sharma@example.org,Home,priya@home.example,Mobile,+91 98 7654 3210,Work,India\r\n"
            + "Rahul,,,,,,,,,,,,rahul@example.org\r\n"
        let result = try readEveryWay(file, name: "google.csv")
        #expect(result.format == .googleCSV)
        #expect(result.formatDescription == "Google CSV (current header)")
        #expect(result.charsetDescription == "UTF-8 with byte-order mark")
        #expect(result.contacts.count == 2)
        let priya = result.contacts[0]
        #expect(priya.position == 2)
        #expect(
            priya.fields == [
                "name": "Priya Sharma", "organization": "Seva Trust", "role": "Director", "bio": "Met at the fair.\nFollow up, in March.",
                "country": "IN",
            ])
        #expect(
            priya.sets == [
                "emails": ["priya@example.org", "p.sharma@example.org", "priya@home.example"], "phones": ["+91 98 7654 3210"],
                "tags": ["Partners"],
            ])
        #expect(result.contacts[1].position == 4, "the row after a two-line row starts on line 4")
        #expect(result.contacts[1].fields["name"] == "Rahul")
    }

    @Test func googleOldHeader() throws {
        let file =
            "Name,Given Name,Additional Name,Family Name,Nickname,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,"
            + "Phone 1 - Type,Phone 1 - Value,Organization 1 - Type,Organization 1 - Name,Organization 1 - Title,Address 1 - Country\n"
            + "Иван Петров,Иван,,Петров,,,System Group: My Contacts ::: Друзья,* Home,ivan@example.ru,Mobile,+7 495 000,,Мемориал,,Россия\n"
            + ",Olga,,Ivanova,,,,,,,,,,,\n"
        let result = try readEveryWay(file, name: "google.csv")
        #expect(result.formatDescription == "Google CSV (old header)")
        #expect(result.contacts.map { $0.fields["name"] } == ["Иван Петров", "Olga Ivanova"])
        #expect(result.contacts[0].sets["tags"] == ["Друзья"])
        #expect(result.contacts[0].fields["organization"] == "Мемориал")
        #expect(result.contacts[0].fields["country"] == "RU")
    }

    @Test func outlook() throws {
        let file =
            "\"Title\",\"First Name\",\"Middle Name\",\"Last Name\",\"Company\",\"Job Title\",\"Business Country/Region\",\"Home Country/Region\","
            + "\"Business Phone\",\"Business Fax\",\"Mobile Phone\",\"E-mail Address\",\"E-mail 2 Address\",\"Categories\",\"Notes\"\r\n"
            + "\"Dr.\",\"Hans\",\"\",\"Müller\",\"Brot für alle\",\"CEO\",\"Deutschland\",\"Österreich\",\"+49 30 1\",\"+49 30 2\",\"+49 170 3\","
            + "\"hans@example.de\",\"\",\"Donors;Board\",\"\"\r\n"
        let contact = try onlyContact(readEveryWay(file, name: "outlook.csv"))
        #expect(contact.fields == ["name": "Hans Müller", "organization": "Brot für alle", "role": "CEO", "country": "DE"])
        #expect(contact.sets == ["emails": ["hans@example.de"], "phones": ["+49 30 1", "+49 170 3"], "tags": ["Donors", "Board"]])
    }

    @Test func thunderbirdWithATrailingEmptyHeaderColumnAndRaggedRows() throws {
        let file =
            "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Work Phone,Job Title,Organization,Work Country,Notes,\n"
            + ",,,,only@example.org,,,,,,,\n" + ",,Weather,,,,289-1212\n" + "A,B,,,,,,,,,,,,extra\n" + ",,,,,,,,,,,\n"
        let result = try readEveryWay(file, name: "tb.csv")
        #expect(result.format == .thunderbirdCSV)
        #expect(
            result.items == [
                .contact(InterchangeContact(position: 2, fields: ["name": "only@example.org"], sets: ["emails": ["only@example.org"]])),
                .contact(InterchangeContact(position: 3, fields: ["name": "Weather"], sets: ["phones": ["289-1212"]])),
                .unreadable(position: 4, reason: "the row has 14 columns and the header 12"),
                .unreadable(position: 5, reason: "the row is empty"),
            ])
    }

    @Test func anUnknownLayoutNeedsMapAndSaysHow() throws {
        let file = "Full name;Org;Labels;Mail\nLi Wei;Green Earth;a, b;li@example.org\n"
        do {
            _ = try readText(file, name: "partners.csv")
            Issue.record("an unknown layout was read")
        } catch {
            #expect(error == .unknownLayout(header: ["Full name", "Org", "Labels", "Mail"]))
            #expect(error.description.contains("'Full name', 'Org', 'Labels', 'Mail'"))
            #expect(error.description.contains("--map \"Full name=name\""))
        }
        let mapping = ["Full name": "name", "Org": "org", "Labels": "tags", "Mail": "email"]
        let result = try readEveryWay(file, name: "partners.csv", options: ContactFileOptions(mapping: mapping))
        #expect(result.format == .csv)
        #expect(result.formatDescription == "CSV with --map")
        let contact = try onlyContact(result)
        #expect(contact.fields == ["name": "Li Wei", "organization": "Green Earth"])
        #expect(contact.sets == ["tags": ["a", "b"], "emails": ["li@example.org"]])
    }

    @Test func mapOverridesAKnownLayoutAndChecksItsNames() throws {
        let file = "First Name,Last Name,Display Name,Nickname,Primary Email,Custom 1\nA,B,Display,,a@example.org,Nick Name\n"
        let result = try readEveryWay(file, name: "tb.csv", options: ContactFileOptions(mapping: ["Custom 1": "name"]))
        #expect(result.formatDescription == "Thunderbird CSV with --map")
        #expect(try onlyContact(result).fields["name"] == "Nick Name")
        #expect(
            throws: InterchangeError.mappedColumnMissing(
                column: "Nope", header: ["First Name", "Last Name", "Display Name", "Nickname", "Primary Email", "Custom 1"])
        ) {
            try readText(file, name: "tb.csv", options: ContactFileOptions(mapping: ["Nope": "name"]))
        }
        #expect(throws: InterchangeError.mappedFieldUnknown(field: "shoe size")) {
            try readText(file, name: "tb.csv", options: ContactFileOptions(mapping: ["Custom 1": "shoe size"]))
        }
    }

    @Test func theSidingIDColumnIsRead() throws {
        let file = "First Name,Primary Email,Display Name,Siding ID\r,a@example.org,Ana,c-42\r,b@example.org,Ben,\r"
        let result = try readEveryWay(file, name: "tb.csv")
        #expect(result.contacts.map(\.sidingID) == ["c-42", nil])
        #expect(result.contacts.map(\.sourceKey) == [nil, nil])
    }

    @Test func aStrayQuoteInsideACellDoesNotSwallowTheNextLines() throws {
        let file = "First Name,Primary Email,Display Name\nx,a@example.org,12\" pipe\nx,b@example.org,Ben\n"
        let result = try readEveryWay(file, name: "tb.csv")
        #expect(result.contacts.map { $0.fields["name"] } == ["12\" pipe", "Ben"])
    }

    @Test func aQuoteNeverClosedIsOneUnreadableRecordAtTheEnd() throws {
        let file = "First Name,Primary Email,Display Name\nx,a@example.org,\"open\nnext,line\n"
        let result = try readEveryWay(file, name: "tb.csv")
        #expect(result.items.count == 1)
        #expect(try onlyContact(result).fields["name"] == "open\nnext,line")
    }

    /// A header with as many semicolons as tabs is read with semicolons, every time: the choice once
    /// followed a dictionary's iteration order, which differs from one read to the next in one process.
    @Test func aHeaderWhoseSemicolonsAndTabsTieIsReadWithSemicolonsEveryTime() throws {
        let file = "Name;Email\tPhone\nAna;a@example.org\t1\n"
        let options = ContactFileOptions(mapping: ["Name": "name"])
        for _ in 0..<100 {
            #expect(try onlyContact(try readText(file, name: "sheet.csv", options: options)).fields["name"] == "Ana")
        }
    }
}
