import SidingInterchange
import Testing

/// Hand-written vCards showing the value-level traps: escapes by version, RFC 6868 parameters, ALTID.
@Suite struct VCardValueTrapsTests {
    @Test func version3And4EscapesAreUndone() throws {
        let file = crlf(
            "BEGIN:VCARD", "VERSION:4.0", #"FN:Smith\, Jane"#, #"ORG:Water\; Sanitation e.V.;Field office"#,
            #"NOTE:Line one\nLine two\, with comma\; semicolon \\ backslash\Nend"#, #"CATEGORIES:wash,Work\, Paris"#, "END:VCARD")
        let contact = try onlyContact(readEveryWay(file))
        #expect(contact.fields["name"] == "Smith, Jane")
        #expect(contact.fields["organization"] == "Water; Sanitation e.V.")
        #expect(contact.fields["bio"] == "Line one\nLine two, with comma; semicolon \\ backslash\nend")
        #expect(contact.sets["tags"] == ["wash", "Work, Paris"])
    }

    @Test func version21KeepsBackslashesInPlainTextAndEscapesOnlySemicolonsInStructuredValues() throws {
        let file = crlf("BEGIN:VCARD", "VERSION:2.1", #"N:;A\;B\\;C\\\;;D;\:E;\\\\;"#, #"FN:A;B\C\;D:E\\"#, "END:VCARD")
        let contact = try onlyContact(readEveryWay(file))
        #expect(contact.fields["name"] == #"A;B\C\;D:E\\"#)
        let withoutFN = crlf("BEGIN:VCARD", "VERSION:2.1", #"N:;A\;B\\;C\\\;;D;\:E;\\\\;"#, "END:VCARD")
        #expect(try onlyContact(readEveryWay(withoutFN)).fields["name"] == #"A;B\ C\;"#)
    }

    @Test func parameterValuesUndoRFC6868AndMayHoldColons() throws {
        let file = crlf(
            "BEGIN:VCARD", "VERSION:4.0", "FN:Ana",
            #"ADR;LABEL="Rua 1^nLisboa: ^'centro^' ^^";TYPE=work:;;Rua 1;Lisboa;;;Portugal"#, "END:VCARD")
        let contact = try onlyContact(readEveryWay(file))
        #expect(contact.fields["country"] == "PT")
        #expect(contact.notices.isEmpty)
    }

    @Test func alternativesOfOneAltIDAreOnePerson() throws {
        let file = crlf(
            "BEGIN:VCARD", "VERSION:4.0", "FN;ALTID=1;LANGUAGE=ja:山田太郎", "FN;ALTID=1;LANGUAGE=en:Taro Yamada",
            "N;ALTID=1;LANGUAGE=ja:山田;太郎;;;", "N;ALTID=1;LANGUAGE=en:Yamada;Taro;;;", "TITLE;ALTID=2;LANGUAGE=ja:部長",
            "TITLE;ALTID=2;LANGUAGE=en:Director", "END:VCARD")
        let contact = try onlyContact(readEveryWay(file))
        #expect(contact.fields == ["name": "山田太郎", "role": "部長"])
    }

    @Test func scriptsAndMarksSurviveAsWritten() throws {
        let names = ["نور الهدى", "अनिता शर्मा", "王小明", "\u{200F}שלום\u{200F}", "Zoë 👩🏽‍🌾"]
        for name in names {
            let file = crlf("BEGIN:VCARD", "VERSION:3.0", "FN:\(name)", "END:VCARD")
            #expect(try onlyContact(readEveryWay(file)).fields["name"] == name)
        }
    }

    @Test func aCombiningMarkAfterASeparatorDoesNotHideIt() throws {
        let mark = "\u{301}"
        let file = crlf("BEGIN:VCARD", "VERSION:3.0", #"FN:A\\"# + mark + "b", "CATEGORIES:a," + mark + "b", "END:VCARD")
        let contact = try onlyContact(readEveryWay(file))
        let name = #"A\"# + mark + "b"
        let tags = ["a", mark + "b"]
        #expect(contact.fields["name"] == name)
        #expect(contact.sets["tags"] == tags)
    }
}
