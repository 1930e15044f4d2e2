import SidingInterchange
import Testing

/// Hand-written vCards showing the line-level traps real files have: folds anywhere, quoted-printable
/// soft breaks inside a character, odd line ends, comment lines, inline base64.
@Suite struct VCardLineTrapsTests {
    @Test func foldsInsideParametersValuesAndNumbersAreJoined() throws {
        let file = crlf(
            "BEGIN:VCARD", "VERSION:3.0", "FN:Amina", " h Diallo", "TEL;TY", " PE=work:+221 33 8", "\t21 00 00",
            "ADR;TYPE=work:;;Rue 1;Dakar;;;Sén", " égal", "END:VCARD")
        let contact = try onlyContact(readEveryWay(file))
        #expect(contact.fields["name"] == "Aminah Diallo")
        #expect(contact.sets["phones"] == ["+221 33 821 00 00"])
        #expect(contact.fields["country"] == "SN")
    }

    @Test func quotedPrintableSoftBreaksJoinBytesBeforeDecoding() throws {
        // The soft break falls between the two bytes of "ü" (C3 BC); a 2.1 continuation has no space.
        let file = crlf(
            "BEGIN:VCARD", "VERSION:2.1", "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Br=C3=", "=BCning;Michael",
            "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=", "Michael Br=C3=BC=", "ning", "NOTE;ENCODING=QUOTED-PRINTABLE:a=0D=0Ab=", "",
            "EMAIL;INTERNET:m@example.org", "END:VCARD")
        let contact = try onlyContact(readEveryWay(file))
        #expect(contact.fields["name"] == "Michael Brüning")
        #expect(contact.fields["bio"] == "a\r\nb")
        #expect(contact.sets["emails"] == ["m@example.org"])
    }

    @Test func quotedPrintableWithoutCharsetIn21FallsBackToWindows1252() throws {
        let file = crlf(
            "BEGIN:VCARD", "VERSION:2.1", "FN;ENCODING=QUOTED-PRINTABLE:Fran=E7ois M=FCller =80", "END:VCARD")
        let result = try readEveryWay(file)
        #expect(try onlyContact(result).fields["name"] == "François Müller €")
        #expect(result.charsetDescription.hasPrefix("windows-1252"))
        #expect(result.formatDescription == "vCard 2.1")
    }

    @Test func charsetParameterDecodesThatPropertyInIt() throws {
        // 日本 in Shift_JIS is 93 FA 96 7B; "ü" in windows-1252 is FC.
        let file = crlf(
            "BEGIN:VCARD", "VERSION:2.1", "FN;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:=93=FA=96=7B",
            "ORG;CHARSET=windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCnchen e.V.", "END:VCARD")
        let contact = try onlyContact(readEveryWay(file))
        #expect(contact.fields["name"] == "日本")
        #expect(contact.fields["organization"] == "München e.V.")
    }

    @Test func crCrLfAndBareCrLineEndsEndLines() throws {
        let crcrlf = "BEGIN:VCARD\r\r\nVERSION:3.0\r\r\nFN:Wei\r\r\n Li\r\r\nEMAIL:wei@example.org\r\r\nEND:VCARD\r\r\n"
        #expect(try onlyContact(readEveryWay(crcrlf)).fields["name"] == "WeiLi")
        let bareCR = "BEGIN:VCARD\rVERSION:3.0\rFN:Li Wei\rTEL:+86 10 1234\rEND:VCARD\rBEGIN:VCARD\rFN:Zhang\rEND:VCARD"
        let result = try readEveryWay(bareCR)
        #expect(result.contacts.map { $0.fields["name"] } == ["Li Wei", "Zhang"])
        #expect(result.contacts.map(\.position) == [1, 2])
    }

    @Test func commentLinesAreIgnoredButAQuotedPrintableContinuationIsNot() throws {
        let file = crlf(
            "BEGIN:VCARD", "VERSION:2.1", "FN:Conference Call", "# not a property", "NOTE;ENCODING=QUOTED-PRINTABLE:sharp ->=",
            "#<- sharp, kept", "# dropped", "END:VCARD")
        let contact = try onlyContact(readEveryWay(file))
        #expect(contact.fields["bio"] == "sharp ->#<- sharp, kept")
    }

    @Test func inlineBase64PhotoIsSkippedWithItsContinuationLinesAndNeverText() throws {
        let file = crlf(
            "BEGIN:VCARD", "VERSION:2.1", "FN:Photo Person", "PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQSkZJRgABAQEASABIAAD",
            "2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcU", "FhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/", "",
            "TITLE:Photographer", "LOGO;ENCODING=b;TYPE=PNG:iVBORw0KGgo", " AAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ", "NOTE:after", "END:VCARD")
        let contact = try onlyContact(readEveryWay(file))
        #expect(contact.fields == ["name": "Photo Person", "role": "Photographer", "bio": "after"])
        #expect(contact.notices.contains { $0.hasPrefix("PHOTO skipped") })
        #expect(contact.notices.contains { $0.hasPrefix("LOGO skipped") })
    }

    @Test func lowercaseNamesGroupsAndUnknownPropertiesAreRead() throws {
        let file = crlf(
            "begin:vcard", "version:3.0", "fn:Nadia", "item1.email;type=INTERNET:nadia@example.org", "item1.X-ABLabel:_$!<Other>!$_",
            "x-unknown;foo=bar:ignored", "Tel;type=CELL:+961 1 234", "end:vcard")
        let contact = try onlyContact(readEveryWay(file))
        #expect(contact.fields == ["name": "Nadia"])
        #expect(contact.sets == ["emails": ["nadia@example.org"], "phones": ["+961 1 234"]])
    }

    @Test func aCardNestedInAnAgentBelongsToItsOuterCard() throws {
        let file = crlf(
            "BEGIN:VCARD", "VERSION:2.1", "FN:Boss", "AGENT:", "BEGIN:VCARD", "VERSION:2.1", "FN:Assistant", "END:VCARD",
            "EMAIL:boss@example.org", "END:VCARD", "BEGIN:VCARD", "VERSION:2.1", "FN:Second", "END:VCARD")
        let result = try readEveryWay(file)
        #expect(result.contacts.map { $0.fields["name"] } == ["Boss", "Second"])
        #expect(result.contacts.first?.sets["emails"] == ["boss@example.org"])
    }
}
