import Crypto
import Foundation
import SidingCore
import SidingStore

/// A realistic, seeded data set written straight into a stopped node's database, signed with its key:
/// contacts of eight field operations each (name, organisation, role, country, a ~200-character bio,
/// two tags, an e-mail address) and, when asked, after every five contacts a dialogue note of nine
/// (title, date, conflict, location, two participants among the recent contacts, two tags, a 1–2 KB
/// body); committed 1,000 changes per transaction.
public enum Population {
    /// Fills `node` (not running) with `fieldOperations` operations; returns the number of changes.
    @discardableResult
    public static func fill(_ node: TestNode, fieldOperations: Int, seed: UInt64 = 2026, withNotes: Bool = false) throws -> UInt64 {
        guard let raw = Data(base64Encoded: try node.privateKeyBase64()) else { throw PopulationError.unreadableKey }
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        let store = try SQLiteStore(path: node.databasePath)
        let start = try store.versionVector()[OriginKey(key.publicKey)]
        let count = try batches(signedBy: key, fieldOperations: fieldOperations, seed: seed, after: start, withNotes: withNotes) {
            _ = try store.apply($0)
        }
        // As a cleanly stopped daemon leaves it: everything in the main file, the WAL empty.
        try store.checkpoint()
        return count
    }

    /// The same data set as signed changes, handed to `body` 1,000 at a time (seqs from `after + 1`);
    /// returns the number of changes.
    @discardableResult
    public static func batches(
        signedBy key: Curve25519.Signing.PrivateKey, fieldOperations: Int, seed: UInt64 = 2026, after start: UInt64 = 0,
        withNotes: Bool = false, _ body: ([Change]) throws -> Void
    ) throws -> UInt64 {
        var random = SeededGenerator(seed: seed)
        var seq = start
        var batch: [Change] = []
        var operations = 0
        var recentContacts: [EntityID] = []
        var n = 0
        while operations < fieldOperations {
            seq += 1
            let made: [SidingCore.Operation]
            if withNotes && n % 6 == 5, recentContacts.count >= 2 {
                made = try note(n, participants: recentContacts.suffix(5).shuffled(using: &random).prefix(2), &random)
            } else {
                made = try contact(n, &random)
                if let id = made.first?.entity { recentContacts = recentContacts.suffix(9) + [id] }
            }
            n += 1
            operations += made.count
            batch.append(try Change.sign(by: key, seq: seq, hlc: HLC(milliseconds: 1_790_000_000_000 + seq, counter: 0), operations: made))
            if batch.count == 1_000 {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try body(batch) }
        return seq - start
    }

    static let countries = ["CN", "IN", "NP", "PK", "UA", "RU", "DE", "FR", "US", "BR", "KE", "ZA"]
    static let words = ["water", "frontier", "dialogue", "security", "media", "rivers", "trade", "energy", "health", "climate"]
    static let roles = ["Scholar", "Journalist", "Former Official", "Former Officer"]
    static let conflicts = ["Himalayan border", "Black Sea shipping", "Indus waters", "Sahel mining", "Arctic fisheries"]
    /// Words of the notes' bodies.
    public static let prose = [
        "participants", "agreed", "to", "meet", "again", "after", "the", "monsoon", "and", "share", "data", "on", "river", "flows",
        "a", "former", "officer", "proposed", "joint", "patrol", "rules", "while", "the", "journalists", "asked", "for", "access",
        "tension", "eased", "when", "both", "sides", "named", "liaison", "people", "for", "grazing", "disputes", "in", "spring",
        "no", "record", "of", "this", "conversation", "goes", "to", "ministries", "without", "consent", "of", "everyone", "present",
    ]

    static func contact(_ n: Int, _ random: inout SeededGenerator) throws -> [SidingCore.Operation] {
        guard let id = EntityID(kind: .contact, bytes: random.bytes(EntityID.randomByteCount)) else { throw PopulationError.badEntityID }
        func pick(_ list: [String]) -> String { list[Int.random(in: 0..<list.count, using: &random)] }
        let bio = (0..<30).map { _ in pick(words) }.joined(separator: " ")
        return [
            .init(entity: id, field: "name", action: .write(value: "Person \(n) \(pick(words).capitalized)", replaces: [])),
            .init(entity: id, field: "organization", action: .write(value: "Institute of \(pick(words))", replaces: [])),
            .init(entity: id, field: "role", action: .write(value: pick(roles), replaces: [])),
            .init(entity: id, field: "country", action: .write(value: pick(countries), replaces: [])),
            .init(entity: id, field: "bio", action: .write(value: bio, replaces: [])),
            .init(entity: id, field: "tags", action: .add(element: pick(words))),
            .init(entity: id, field: "tags", action: .add(element: "track-two")),
            .init(entity: id, field: "emails", action: .add(element: "person\(n)@example.org")),
        ]
    }
}

extension Population {
    static func note(_ n: Int, participants: ArraySlice<EntityID>, _ random: inout SeededGenerator) throws -> [SidingCore.Operation] {
        guard let id = EntityID(kind: .note, bytes: random.bytes(EntityID.randomByteCount)) else { throw PopulationError.badEntityID }
        func pick(_ list: [String]) -> String { list[Int.random(in: 0..<list.count, using: &random)] }
        let conflict = pick(conflicts)
        var body = ""
        let length = Int.random(in: 1_024...2_048, using: &random)
        while body.utf8.count < length {
            let sentence = (0..<Int.random(in: 8...16, using: &random)).map { _ in pick(prose) }.joined(separator: " ")
            body += sentence.prefix(1).uppercased() + sentence.dropFirst() + ". "
        }
        let day = 1 + n % 28
        return [
            .init(entity: id, field: "title", action: .write(value: "\(conflict) round \(n / 6)", replaces: [])),
            .init(
                entity: id, field: "date",
                action: .write(value: "2026-\(String(format: "%02d", 1 + n % 12))-\(String(format: "%02d", day))", replaces: [])),
            .init(entity: id, field: "conflict", action: .write(value: conflict, replaces: [])),
            .init(entity: id, field: "location", action: .write(value: "\(pick(words).capitalized) House, Geneva", replaces: [])),
            .init(entity: id, field: "body", action: .write(value: String(body.utf8.prefix(length)) ?? body, replaces: [])),
        ]
            + participants.map { .init(entity: id, field: "participants", action: .add(element: $0.description)) }
            + [
                .init(entity: id, field: "tags", action: .add(element: pick(words))),
                .init(entity: id, field: "tags", action: .add(element: "track-two")),
            ]
    }
}

public enum PopulationError: Error {
    case unreadableKey
    case badEntityID
}
