extension CSVLayout {
    /// One row's cells as a contact: the whole name, else its parts joined, else the organization,
    /// else the first e-mail; a row with more non-empty cells than the header has columns, or with no
    /// name at all, is unreadable.
    func item(position: Int, cells: [String]) -> InterchangeItem {
        if cells.count > header.count, cells[header.count...].contains(where: { !$0.trimmingWhitespace.isEmpty }) {
            return .unreadable(position: position, reason: "the row has \(cells.count) columns and the header \(header.count)")
        }
        var contact = InterchangeContact(position: position)
        var wholeName: String?
        var nameParts: [Int: [String]] = [:]
        var countries: [(rank: Int, text: String)] = []
        for (index, cell) in cells.enumerated() {
            guard let role = roles[index] else { continue }
            let value = role.keepsLineBreaks ? cell : cell.trimmingWhitespace
            guard !value.trimmingWhitespace.isEmpty else { continue }
            switch role {
            case .name: wholeName = wholeName ?? value
            case .namePart(let order): nameParts[order, default: []].append(value)
            case .field(let name): if contact.fields[name] == nil { contact.fields[name] = value }
            case .set(let name, let separators):
                for element in Self.elements(of: value, separators: separators) {
                    if name == ContactFieldNames.tags, SystemGroups.contains(element) { continue }
                    contact.add(element, to: name)
                }
            case .country(let rank): countries.append((rank: rank, text: value))
            case .sidingID: contact.sidingID = value
            }
        }
        if let country = countries.min(by: { $0.rank < $1.rank })?.text {
            if let code = CountryNames.code(for: country) {
                contact.fields[ContactFieldNames.country] = code
            } else {
                contact.notices.append("country '\(country)' is not one ISO 3166-1 code; left empty")
            }
        }
        let assembled = nameParts.keys.sorted().flatMap { nameParts[$0] ?? [] }.joined(separator: " ")
        let name =
            wholeName ?? (assembled.isEmpty ? nil : assembled) ?? contact.fields[ContactFieldNames.organization]
            ?? contact.sets[ContactFieldNames.emails]?.first
        guard let name else {
            let empty = cells.allSatisfy { $0.trimmingWhitespace.isEmpty }
            return .unreadable(position: position, reason: empty ? "the row is empty" : "no name: the row has no name, organization or e-mail")
        }
        contact.fields[ContactFieldNames.name] = name
        return .contact(contact)
    }

    private static func elements(of value: String, separators: [String]) -> [String] {
        var parts = [value]
        for separator in separators { parts = parts.flatMap { $0.scalarsSplit(by: separator) } }
        return parts.map(\.trimmingWhitespace).filter { !$0.isEmpty }
    }
}

extension CSVLayout.Role {
    /// Only the bio keeps its line breaks and surrounding space as written.
    var keepsLineBreaks: Bool { self == .field(ContactFieldNames.bio) }
}

extension String {
    /// Split where `separator`'s scalars occur: by scalars, so a combining mark after a separator
    /// does not hide it.
    func scalarsSplit(by separator: String) -> [String] {
        let scalars = Array(unicodeScalars)
        let pattern = Array(separator.unicodeScalars)
        guard !pattern.isEmpty, scalars.count >= pattern.count else { return [self] }
        var parts: [String] = []
        var start = 0
        var index = 0
        while index + pattern.count <= scalars.count {
            if Array(scalars[index..<index + pattern.count]) == pattern {
                parts.append(String(String.UnicodeScalarView(scalars[start..<index])))
                index += pattern.count
                start = index
            } else {
                index += 1
            }
        }
        parts.append(String(String.UnicodeScalarView(scalars[start...])))
        return parts
    }
}
