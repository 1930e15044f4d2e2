/// One vCard's properties mapped to Siding's contact fields:
/// FN (else N as given and family name, else the organization, else the first e-mail) → name; the
/// first ORG component → organization; TITLE (else ROLE) → role; EMAIL and TEL → sets (`mailto:` and
/// `tel:` removed, `;ext=` kept); CATEGORIES → tags, less the system groups phones add; NOTE → bio;
/// the country of the preferred ADR → country, only when it names exactly one ISO 3166-1 code. Of
/// the alternatives of one ALTID only the first counts. Binary properties are skipped with a notice;
/// other properties are ignored.
struct VCardCardMapping {
    var decoder: VCardValueDecoder

    mutating func item(position: Int, properties: [VCardProperty], version: String) throws(InterchangeError) -> InterchangeItem {
        let version21 = version.hasPrefix("2")
        var contact = InterchangeContact(position: position)
        var seenAlternatives: Set<String> = []
        var formattedName: String?
        var structuredName: String?
        var titles: [String] = []
        var roles: [String] = []
        var notes: [String] = []
        var addresses: [(country: String, preferred: Int?)] = []
        for property in properties {
            if let altID = property.parameter("ALTID") {
                guard seenAlternatives.insert(property.name + "\u{0}" + altID).inserted else { continue }
            }
            if ["PHOTO", "LOGO", "KEY", "SOUND"].contains(property.name) || VCardValueDecoder.isBinary(property) {
                contact.notices.append("\(property.name) skipped (Siding keeps no pictures, sounds or keys)")
                continue
            }
            guard Self.mappedNames.contains(property.name) else { continue }
            // Only the first FN, N and ORG count: the others are not decoded, so a broken value there
            // (a phone's stray byte in a second ORG) does not refuse the file.
            let alreadyHave: Bool =
                switch property.name {
                case "FN": formattedName != nil
                case "N": structuredName != nil
                case "ORG": contact.fields[ContactFieldNames.organization] != nil
                default: false
                }
            if alreadyHave { continue }
            let raw = try decoder.text(of: property, version21: version21)
            switch property.name {
            case "FN":
                let text = VCardText.unescaped(raw, version21: version21).trimmingWhitespace
                if formattedName == nil, !text.isEmpty { formattedName = text }
            case "N":
                let parts = VCardText.components(raw, version21: version21).map(\.trimmingWhitespace)
                let ordered = [parts.count > 1 ? parts[1] : "", parts.count > 2 ? parts[2] : "", parts[0]]
                let assembled = ordered.filter { !$0.isEmpty }.joined(separator: " ")
                if structuredName == nil, !assembled.isEmpty { structuredName = assembled }
            case "ORG":
                let first = VCardText.components(raw, version21: version21).first?.trimmingWhitespace ?? ""
                if contact.fields[ContactFieldNames.organization] == nil, !first.isEmpty {
                    contact.fields[ContactFieldNames.organization] = first
                }
            case "TITLE": titles.append(VCardText.unescaped(raw, version21: version21).trimmingWhitespace)
            case "ROLE": roles.append(VCardText.unescaped(raw, version21: version21).trimmingWhitespace)
            case "NOTE": notes.append(VCardText.unescaped(raw, version21: version21))
            case "EMAIL":
                let email = Self.dropPrefix("mailto:", VCardText.unescaped(raw, version21: version21).trimmingWhitespace)
                contact.add(email, to: ContactFieldNames.emails)
            case "TEL":
                contact.add(Self.dropPrefix("tel:", VCardText.unescaped(raw, version21: version21).trimmingWhitespace), to: ContactFieldNames.phones)
            case "CATEGORIES":
                for tag in VCardText.list(raw, version21: version21).map(\.trimmingWhitespace) where !SystemGroups.contains(tag) {
                    contact.add(tag, to: ContactFieldNames.tags)
                }
            case "ADR":
                let parts = VCardText.components(raw, version21: version21)
                addresses.append((country: parts.count > 6 ? parts[6].trimmingWhitespace : "", preferred: Self.preference(property)))
            case "UID":
                let uid = VCardText.unescaped(raw, version21: version21).trimmingWhitespace
                if uid.lowercased().hasPrefix(Self.sidingPrefix) {
                    contact.sidingID = String(uid.dropFirst(Self.sidingPrefix.count))
                } else if !uid.isEmpty {
                    contact.sourceKey = "vcard-uid:" + uid
                }
            default: break
            }
        }
        if let role = (titles + roles).first(where: { !$0.isEmpty }) { contact.fields[ContactFieldNames.role] = role }
        let bio = notes.filter { !$0.trimmingWhitespace.isEmpty }.joined(separator: "\n\n")
        if !bio.isEmpty { contact.fields[ContactFieldNames.bio] = bio }
        Self.setCountry(of: &contact, from: addresses)
        let name =
            formattedName ?? structuredName ?? contact.fields[ContactFieldNames.organization]
            ?? contact.sets[ContactFieldNames.emails]?.first
        guard let name else { return .unreadable(position: position, reason: "no name: the card has no FN, N, ORG or EMAIL") }
        contact.fields[ContactFieldNames.name] = name
        return .contact(contact)
    }

    static let sidingPrefix = "urn:siding:"
    private static let mappedNames: Set<String> = ["FN", "N", "ORG", "TITLE", "ROLE", "NOTE", "EMAIL", "TEL", "CATEGORIES", "ADR", "UID"]

    private static func dropPrefix(_ prefix: String, _ text: String) -> String {
        text.lowercased().hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
    }

    /// 1 is most preferred (4.0 `PREF=1`); `TYPE=pref` (3.0) and a bare `PREF` (2.1) count as 1.
    private static func preference(_ property: VCardProperty) -> Int? {
        if let pref = property.parameter("PREF"), let rank = Int(pref.trimmingWhitespace) { return rank }
        return property.values(of: "TYPE").contains("pref") ? 1 : nil
    }

    private static func setCountry(of contact: inout InterchangeContact, from addresses: [(country: String, preferred: Int?)]) {
        let ranked = addresses.enumerated().min { left, right in
            (left.element.preferred ?? Int.max, left.offset) < (right.element.preferred ?? Int.max, right.offset)
        }
        guard let country = ranked?.element.country, !country.isEmpty else { return }
        if let code = CountryNames.code(for: country) {
            contact.fields[ContactFieldNames.country] = code
        } else {
            contact.notices.append("country '\(country)' is not one ISO 3166-1 code; left empty")
        }
    }
}

extension InterchangeContact {
    /// Adds a set element unless it is empty or already there.
    mutating func add(_ element: String, to field: String) {
        guard !element.isEmpty, sets[field]?.contains(element) != true else { return }
        sets[field, default: []].append(element)
    }
}

/// Groups phones and address books put every contact in: not tags anyone chose.
enum SystemGroups {
    static func contains(_ tag: String) -> Bool {
        let lowered = tag.trimmingWhitespace.lowercased()
        return lowered.isEmpty || names.contains(lowered) || lowered.hasPrefix("system group:") || lowered.hasPrefix("* ")
    }

    private static let names: Set<String> = [
        "my contacts", "starred in android",
    ]
}
