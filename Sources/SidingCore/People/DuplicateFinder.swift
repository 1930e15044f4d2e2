/// Finds likely duplicate contacts: pairs that share an e-mail address (any case), a phone number
/// (same digits, a leading + kept) or the same name at the same organisation (any case and spacing,
/// organisation not empty). Never by name alone: two people called Li Wei are normal. Pairs join into
/// groups (connected components), so A–B by e-mail and B–C by phone are one group of three.
public enum DuplicateFinder {
    /// One live contact as the finder sees it.
    public struct Contact: Hashable, Sendable {
        public let id: EntityID
        public let name: String
        public let organization: String
        public let emails: [String]
        public let phones: [String]

        public init(id: EntityID, name: String, organization: String = "", emails: [String] = [], phones: [String] = []) {
            self.id = id
            self.name = name
            self.organization = organization
            self.emails = emails
            self.phones = phones
        }
    }

    /// A group of two or more contacts and why they were put together, in a stable order: IDs sorted,
    /// reasons sorted, groups by their first ID.
    public struct Group: Hashable, Sendable {
        public let ids: [EntityID]
        public let reasons: [String]
    }

    /// Numbers with fewer digits are not compared: a placeholder such as `0` or `112` shared by many
    /// records says nothing about who they are.
    public static let minimumPhoneDigits = 6

    public static func groups(_ contacts: [Contact]) -> [Group] {
        var sets = DisjointSets(count: contacts.count)
        var reasons: [Int: Set<String>] = [:]
        func join(_ members: [Int], _ reason: String) {
            guard members.count > 1 else { return }
            for member in members.dropFirst() { sets.union(members[0], member) }
            reasons[members[0], default: []].insert(reason)
        }
        var byEmail: [String: [Int]] = [:]
        var byPhone: [String: [Int]] = [:]
        var byNameAndOrganization: [String: [Int]] = [:]
        for (index, contact) in contacts.enumerated() {
            for email in Set(contact.emails.map { $0.lowercased() }) { byEmail[email, default: []].append(index) }
            for phone in Set(contact.phones.compactMap(phoneKey)) { byPhone[phone, default: []].append(index) }
            let organization = spacingKey(contact.organization)
            if !organization.isEmpty {
                byNameAndOrganization[spacingKey(contact.name) + "\u{1F}" + organization, default: []].append(index)
            }
        }
        for (email, members) in byEmail { join(members, "e-mail \(email)") }
        for (phone, members) in byPhone { join(members, "phone \(phone)") }
        for (_, members) in byNameAndOrganization {
            // Spelled as the member with the lowest ID has it, so the reason does not depend on input order.
            guard let first = members.min(by: { contacts[$0].id < contacts[$1].id }) else { continue }
            join(members, "name and organization: \(spacingKey(contacts[first].name)), \(contacts[first].organization.trimmingWhitespace)")
        }
        var components: [Int: (members: [Int], reasons: Set<String>)] = [:]
        for index in contacts.indices {
            let root = sets.find(index)
            components[root, default: ([], [])].members.append(index)
            components[root]?.reasons.formUnion(reasons[index] ?? [])
        }
        return components.values.filter { $0.members.count > 1 }
            .map { Group(ids: $0.members.map { contacts[$0].id }.sorted(), reasons: $0.reasons.sorted()) }
            .sorted { $0.ids[0] < $1.ids[0] }
    }

    /// The digits of a number, after a leading + if it has one: `+49 30 1234` and `+4930-1234` are one
    /// number; nil when too short to compare.
    public static func phoneKey(_ phone: String) -> String? {
        let trimmed = phone.trimmingWhitespace
        let digits = String(trimmed.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
        guard digits.count >= minimumPhoneDigits else { return nil }
        return (trimmed.hasPrefix("+") ? "+" : "") + digits
    }

    /// Lower case with runs of white space as one space and none at the ends.
    public static func spacingKey(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// Union–find over 0..<count with path halving and union by size.
struct DisjointSets {
    private var parent: [Int]
    private var size: [Int]

    init(count: Int) {
        parent = Array(0..<count)
        size = Array(repeating: 1, count: count)
    }

    mutating func find(_ element: Int) -> Int {
        var current = element
        while parent[current] != current {
            parent[current] = parent[parent[current]]
            current = parent[current]
        }
        return current
    }

    mutating func union(_ a: Int, _ b: Int) {
        var (rootA, rootB) = (find(a), find(b))
        guard rootA != rootB else { return }
        if size[rootA] < size[rootB] { swap(&rootA, &rootB) }
        parent[rootB] = rootA
        size[rootA] += size[rootB]
    }
}
