import SidingInterchange
import Testing

/// How a file's bytes become text: byte-order marks, UTF-16 with and without them, `--charset`, the
/// documented windows-1252 fallbacks, and files refused whole.
@Suite struct EncodingTests {
    private let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë 👩🏽‍🌾 王\r\nEND:VCARD\r\n"

    private func utf16(_ text: String, littleEndian: Bool, mark: Bool) -> [UInt8] {
        let units = (mark ? [0xFEFF] : []) + Array(text.utf16)
        return units.flatMap { unit in
            littleEndian ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
    }

    @Test func utf8WithAndWithoutByteOrderMark() throws {
        #expect(try onlyContact(readEveryWay(card)).fields["name"] == "Zoë 👩🏽‍🌾 王")
        let marked = try readEveryWay([0xEF, 0xBB, 0xBF] + Array(card.utf8))
        #expect(try onlyContact(marked).fields["name"] == "Zoë 👩🏽‍🌾 王")
        #expect(marked.charsetDescription == "UTF-8 with byte-order mark")
    }

    @Test(arguments: [(true, true), (true, false), (false, true), (false, false)])
    func utf16IsDetectedWithOrWithoutByteOrderMark(littleEndian: Bool, mark: Bool) throws {
        let result = try readEveryWay(utf16(card, littleEndian: littleEndian, mark: mark))
        #expect(try onlyContact(result).fields["name"] == "Zoë 👩🏽‍🌾 王")
        let expected = (littleEndian ? "UTF-16LE" : "UTF-16BE") + (mark ? " with byte-order mark" : " (no byte-order mark)")
        #expect(result.charsetDescription == expected)
    }

    @Test func utf16CSVIsDetectedToo() throws {
        let csv = "First Name,Last Name,Display Name,Nickname,Primary Email\r\nAnna,Berg,Anna Berg,,anna@example.org\r\n"
        let result = try readEveryWay(utf16(csv, littleEndian: true, mark: true), name: "tb.csv")
        #expect(try onlyContact(result).fields["name"] == "Anna Berg")
        #expect(result.format == .thunderbirdCSV)
    }

    @Test func version3TextThatIsNotUTF8IsRefusedNamingTheLine() throws {
        let bytes =
            Array("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ok\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:M".utf8) + [0xFC]
            + Array("ller\r\nEND:VCARD\r\n".utf8)
        #expect(throws: InterchangeError.undecodable(line: 7, charset: "UTF-8")) { try readFile(bytes) }
        #expect(throws: InterchangeError.undecodable(line: 7, charset: "UTF-8")) { try readFile(bytes, chunk: 1) }
        let given = try readEveryWay(bytes, options: ContactFileOptions(charset: "iso-8859-1"))
        #expect(given.contacts.map { $0.fields["name"] } == ["Ok", "Müller"])
        #expect(given.charsetDescription == "ISO-8859-1 (--charset)")
        let message = InterchangeError.undecodable(line: 7, charset: "UTF-8").description
        #expect(message.contains("line 7") && message.contains("--charset"))
    }

    @Test func outlookCSVThatIsNotUTF8IsWindows1252() throws {
        let bytes =
            Array("First Name,Last Name,Company,E-mail Address\r\nJos".utf8) + [0xE9] + Array(",Garc".utf8) + [0xED]
            + Array("a,Caf".utf8) + [0xE9, 0x20, 0x80] + Array(",jose@example.org\r\n".utf8)
        let result = try readEveryWay(bytes, name: "outlook.csv")
        let contact = try onlyContact(result)
        #expect(contact.fields["name"] == "José García")
        #expect(contact.fields["organization"] == "Café €")
        #expect(result.charsetDescription.hasPrefix("windows-1252"))
    }

    @Test func shiftJISCSVNeedsItsCharsetAndThenReads() throws {
        // 名無し in Shift_JIS: 96 BC 96 B3 82 B5.
        let bytes =
            Array("First Name,Last Name,Display Name,Nickname,Primary Email\r\n,,".utf8) + [0x96, 0xBC, 0x96, 0xB3, 0x82, 0xB5]
            + Array(",,nanashi@example.org\r\n".utf8)
        #expect(throws: InterchangeError.undecodable(line: 2, charset: "UTF-8")) { try readFile(bytes, name: "tb.csv") }
        let result = try readEveryWay(bytes, name: "tb.csv", options: ContactFileOptions(charset: "shift_jis"))
        #expect(try onlyContact(result).fields["name"] == "名無し")
    }

    @Test func anUnknownCharsetIsRefused() {
        #expect(throws: InterchangeError.unknownCharset("klingon-8")) {
            try readText(card, options: ContactFileOptions(charset: "klingon-8"))
        }
    }

    @Test func anEmptyFileHasNoRecords() throws {
        #expect(try readEveryWay([UInt8]()).items.isEmpty)
        #expect(try readEveryWay([0xEF, 0xBB, 0xBF, 0x0D, 0x0A]).items.isEmpty)
    }
}
