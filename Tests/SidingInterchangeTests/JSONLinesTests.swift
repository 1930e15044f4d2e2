import SidingCore
import SidingInterchange
import Testing

/// Siding's own JSON Lines: what the writer writes the reader reads back, however the bytes arrive.
@Suite struct JSONLinesTests {
    static let contact = InterchangeContact(
        position: 1, sidingID: "c_aaaaaaaaaaaaaaaa",
        fields: ["name": "‏مريم‎ \"M\" 👩🏽‍🔬", "bio": "line one\nline two\t\u{1}end", "country": "EG"],
        sets: ["emails": ["m@example.org"], "tags": ["water", "rivers"]])

    static func readAll(_ bytes: [UInt8], chunk: Int, kind: EntityKind = .contact) throws -> [InterchangeItem] {
        var reader = JSONLinesReader(kind: kind)
        var items: [InterchangeItem] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            items += try reader.read(bytes[start..<end])
            start = end
        }
        return items + (try reader.finish())
    }

    @Test func whatTheWriterWritesReadsBackTheSameInAnyChunks() throws {
        let line = JSONLinesWriter(kind: .contact).write(Self.contact)
        let text = line + "\r\n" + line.replacingOccurrences(of: "c_aaaaaaaaaaaaaaaa", with: "c_bbbbbbbbbbbbbbbb").dropLast()
        let bytes = [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        let whole = try Self.readAll(bytes, chunk: bytes.count)
        #expect(whole.count == 2)
        #expect(whole.first == .contact(Self.contact))
        for chunk in [1, 2, 3, 7, 64] { #expect(try Self.readAll(bytes, chunk: chunk) == whole, "chunks of \(chunk)") }
        if case .contact(let second) = whole.last { #expect(second.position == 3 && second.sidingID == "c_bbbbbbbbbbbbbbbb") }
    }

    @Test func everyLineIsAccountedForAndBadBytesRefuseTheFile() throws {
        let text = "{\"name\":\"A\",\"future\":1}\n[1]\n{\"name\":5}\n{\"emails\":\"x\"}\nnope\n"
        let items = try Self.readAll(Array(text.utf8), chunk: 5)
        #expect(items.count == 5)
        if case .contact(let first) = items[0] { #expect(first.notices == ["\"future\" is not a contact field; left out"]) }
        #expect(items[1] == .unreadable(position: 2, reason: "line 2 is not a JSON object"))
        #expect(items[2] == .unreadable(position: 3, reason: "\"name\" must be a string"))
        #expect(items[3] == .unreadable(position: 4, reason: "\"emails\" must be a list of strings"))
        #expect(throws: JSONLinesError.notUTF8(line: 2)) {
            try Self.readAll(Array("{}\n{\"name\":\"\u{e9}\"}\n".utf8.prefix(10)) + [0xFF, 0x0A], chunk: 3)
        }
    }
}
