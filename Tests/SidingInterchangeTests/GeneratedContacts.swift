import SidingInterchange
import SidingTestKit

/// Seeded random contacts as the daemon holds them (trimmed, one-line fields without control
/// characters, distinct set elements) in many scripts, with the characters formats escape, and with
/// every field sometimes exactly at its limit.
struct GeneratedContacts {
    /// What the format being tested can hold (see `ContactFileWriter`).
    struct Capacity {
        var maxEmails = 6
        var maxPhones = 6
        var tags = true
        var tagsMayHoldCommas = true

        static let vcard = Capacity()
        static let google = Capacity()
        static let outlook = Capacity(maxEmails: 3, maxPhones: 5, tagsMayHoldCommas: false)
        static let thunderbird = Capacity(maxEmails: 2, maxPhones: 3, tags: false)
    }

    private static let fragments = [
        "نور", "الهدى", "अनिता", "शर्मा", "नि", "王小明", "李伟", "\u{200F}שלום", "\u{200E}x", "👩🏽‍🌾", "🇸🇳", "Zoë", "O'Brien",
        "a,b", "c;d", #"e\f"#, "g:h", "\"q\"", "=3D", "^n^^", "Ω", "Müller", "\u{301}x", "Ñandú", "tab-free",
    ]

    var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func contacts(_ count: Int, capacity: Capacity) -> [InterchangeContact] {
        (1...count).map { contact(position: $0, capacity: capacity) }
    }

    mutating func contact(position: Int, capacity: Capacity) -> InterchangeContact {
        var contact = InterchangeContact(position: position, sidingID: "c-\(UInt32.random(in: 0...UInt32.max, using: &generator))")
        contact.fields["name"] = line(limit: 200)
        if chance(2) { contact.fields["organization"] = line(limit: 200) }
        if chance(2) { contact.fields["role"] = line(limit: 200) }
        if chance(2) { contact.fields["country"] = ["DE", "IN", "CN", "SA", "US", "BR", "SN"].randomElement(using: &generator) }
        if chance(2) { contact.fields["bio"] = bio() }
        var emails: [String] = []
        for index in 0..<Int.random(in: 0...capacity.maxEmails, using: &generator) { emails.appendIfNew(email(index)) }
        if !emails.isEmpty { contact.sets["emails"] = emails }
        var phones: [String] = []
        for index in 0..<Int.random(in: 0...capacity.maxPhones, using: &generator) { phones.appendIfNew(phone(index)) }
        if !phones.isEmpty { contact.sets["phones"] = phones }
        if capacity.tags {
            var tags: [String] = []
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                var tag = line(limit: 60)
                if !capacity.tagsMayHoldCommas { tag = String(tag.filter { $0 != "," && $0 != ";" }).trimmedForTest }
                tags.appendIfNew(tag.isEmpty ? "tag" : tag)
            }
            if !tags.isEmpty { contact.sets["tags"] = tags }
        }
        return contact
    }

    private mutating func chance(_ oneIn: Int) -> Bool { Int.random(in: 0..<oneIn, using: &generator) == 0 }

    /// One line of fragments; a quarter of the time exactly `limit` characters.
    private mutating func line(limit: Int) -> String {
        var text = (0..<Int.random(in: 1...5, using: &generator)).map { _ in Self.fragments.randomElement(using: &generator) ?? "x" }
            .joined(separator: " ")
        if chance(4) {
            while text.count < limit { text += " " + (Self.fragments.randomElement(using: &generator) ?? "x") }
            text = String(text.prefix(limit - 1)) + "z"
        }
        let trimmed = String(text.prefix(limit)).trimmedForTest
        return trimmed.isEmpty ? "x" : trimmed
    }

    private mutating func bio() -> String {
        var lines = (0..<Int.random(in: 1...4, using: &generator)).map { _ in line(limit: 100) }
        if chance(3) { lines.insert("", at: 1) }
        if chance(4) {
            var long = lines.joined(separator: "\n")
            while long.count < 8_000 { long += "\n" + line(limit: 200) }
            return String(long.prefix(7_999)) + "z"
        }
        return lines.joined(separator: "\n")
    }

    private mutating func email(_ index: Int) -> String {
        let local = chance(3) ? "نور.\(index)" : "user.\(index)+\(Int.random(in: 0...999, using: &generator))"
        var address = "\(local)@example-\(index).org"
        if chance(8) { address = String(repeating: "a", count: 254 - address.count) + address }
        return address
    }

    private mutating func phone(_ index: Int) -> String {
        let number = "+\(Int.random(in: 1...999, using: &generator)) \(Int.random(in: 100_000...99_999_999, using: &generator))\(index)"
        return chance(4) ? number + ";ext=\(index)" : number
    }
}

extension [String] {
    fileprivate mutating func appendIfNew(_ element: String) { if !contains(element) { append(element) } }
}

extension String {
    var trimmedForTest: String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}
