import Crypto
import Foundation
import SidingCore
import SidingStore

/// A realistic, seeded data set written straight into a stopped node's database, signed with its key:
/// contacts of eight field operations each (name, organisation, role, country, a ~200-character bio,
/// two tags, an e-mail address), committed 1,000 changes per transaction.
public enum Population {
    /// Fills `node` (not running) with `fieldOperations` operations; returns the number of changes.
    @discardableResult
    public static func fill(_ node: TestNode, fieldOperations: Int, seed: UInt64 = 2026) throws -> UInt64 {
        guard let raw = Data(base64Encoded: try node.privateKeyBase64()) else { throw PopulationError.unreadableKey }
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        let store = try SQLiteStore(path: node.databasePath)
        let start = try store.versionVector()[OriginKey(key.publicKey)]
        let count = try batches(signedBy: key, fieldOperations: fieldOperations, seed: seed, after: start) { _ = try store.apply($0) }
        // As a cleanly stopped daemon leaves it: everything in the main file, the WAL empty.
        try store.checkpoint()
        return count
    }

    /// The same data set as signed changes, handed to `body` 1,000 at a time (seqs from `after + 1`);
    /// returns the number of changes.
    @discardableResult
    public static func batches(
        signedBy key: Curve25519.Signing.PrivateKey, fieldOperations: Int, seed: UInt64 = 2026, after start: UInt64 = 0,
        _ body: ([Change]) throws -> Void
    ) throws -> UInt64 {
        var random = SeededGenerator(seed: seed)
        var seq = start
        var batch: [Change] = []
        for n in 0..<(fieldOperations + 7) / 8 {
            seq += 1
            batch.append(
                try Change.sign(by: key, seq: seq, hlc: HLC(milliseconds: 1_790_000_000_000 + seq, counter: 0), operations: try contact(n, &random)))
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

public enum PopulationError: Error {
    case unreadableKey
    case badEntityID
}
