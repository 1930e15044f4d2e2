import SidingInterchange
import SidingTestKit
import Testing

/// Export → import is the identity on what each format can hold, for seeded generated contacts.
@Suite struct RoundTripTests {
    static let cases: [(ContactFileFormat, String, GeneratedContacts.Capacity)] = [
        (.vcard, "export.vcf", .vcard), (.vcard3, "export.vcf", .vcard), (.googleCSV, "export.csv", .google),
        (.outlookCSV, "export.csv", .outlook), (.thunderbirdCSV, "export.csv", .thunderbird), (.csv, "export.csv", .vcard),
    ]

    @Test(arguments: 0..<cases.count)
    func exportThenImportGivesTheSameContacts(caseIndex: Int) throws {
        let (format, fileName, capacity) = Self.cases[caseIndex]
        let writer = ContactFileWriter(format: format)
        for seed in UInt64(1)...10 {
            var generated = GeneratedContacts(seed: seed)
            let contacts = generated.contacts(12, capacity: capacity)
            let file = writer.header + contacts.map(writer.write).joined()
            var chunking = SeededGenerator(seed: seed)
            let result = try readFile(Array(file.utf8), name: fileName, chunk: Int.random(in: 1...300, using: &chunking))
            #expect(result.items.count == contacts.count, "\(format) seed \(seed)")
            for (written, read) in zip(contacts, result.contacts) {
                #expect(read.fields == written.fields, "\(format) seed \(seed) contact \(written.position)")
                #expect(read.sets == written.sets, "\(format) seed \(seed) contact \(written.position)")
                #expect(read.sidingID == written.sidingID, "\(format) seed \(seed)")
                #expect(read.notices.isEmpty, "\(format) seed \(seed): \(read.notices)")
            }
            if format == .vcard || format == .vcard3 {
                #expect(result.contacts.map(\.position) == contacts.map(\.position))
                for line in file.split(separator: "\r\n") { #expect(line.utf8.count <= 75, "seed \(seed): \(line)") }
            }
        }
    }

    @Test func theWrittenVCardIsAsTheRFCWritesIt() {
        let contact = InterchangeContact(
            position: 1, sidingID: "c-1", fields: ["name": "Smith, Jane; Dr.", "bio": "one\ntwo\\three", "country": "DE"],
            sets: ["emails": ["jane@example.org"], "phones": ["+49 30 1;ext=2"], "tags": ["a,b", "c"]])
        #expect(
            ContactFileWriter(format: .vcard).write(contact)
                == crlf(
                    "BEGIN:VCARD", "VERSION:4.0", "UID:urn:siding:c-1", #"FN:Smith\, Jane\; Dr."#, "EMAIL:jane@example.org",
                    #"TEL;VALUE=text:+49 30 1\;ext=2"#, #"CATEGORIES:a\,b,c"#, "ADR:;;;;;;DE", #"NOTE:one\ntwo\\three"#, "END:VCARD"))
        #expect(ContactFileWriter(format: .vcard).header == "")
        #expect(ContactFileWriter(format: .outlookCSV).header.hasSuffix(",Siding ID\r\n"))
        #expect(
            ContactFileWriter(format: .csv).write(contact)
                == "\"Smith, Jane; Dr.\",,,DE,jane@example.org,+49 30 1;ext=2,\"a,b ::: c\",\"one\ntwo\\three\",c-1\r\n")
    }

    @Test func longLinesFoldAtCharacterBoundaries() {
        let name = String(repeating: "王", count: 60)
        let card = ContactFileWriter(format: .vcard).write(InterchangeContact(position: 1, fields: ["name": name]))
        let lines = card.split(separator: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(lines.contains { $0.hasPrefix(" ") })
    }
}
