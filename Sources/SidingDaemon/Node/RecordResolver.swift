import SidingAPI
import SidingCore
import SidingStore

/// Finds the record a user means by what they typed: its ID, a unique prefix of its ID (`c_ckko`) or,
/// where only one record has it, its name or title (`Li Wei`, any case). Several matches are an error
/// that lists them, never a guess.
struct RecordResolver: Sendable {
    let database: NodeDatabase

    /// Candidates an ambiguity error lists.
    static let candidateLimit = 10

    /// Which records a name may stand for. IDs and ID prefixes name any record of the kind, so that
    /// editing a deleted one says it is deleted.
    enum Scope: Sendable {
        /// Live records only (editing, deleting, naming a participant).
        case live
        /// Deleted records only (restoring).
        case deleted
        /// Live records, or deleted ones when no live record has the name (showing, history).
        case preferringLive
    }

    func resolve(_ typed: String, kinds: [EntityKind], scope: Scope) async throws -> EntityID {
        let text = typed.trimmingWhitespace
        let expected = kinds.first ?? .contact
        if let id = EntityID(text) {
            guard kinds.contains(id.kind) else { throw NodeError.wrongKind(id: text, expected: expected) }
            return id
        }
        let lower = text.lowercased()
        if let kind = Self.idPrefixKind(lower) {
            guard kinds.contains(kind) else { throw NodeError.wrongKind(id: text, expected: expected) }
            let matches = try await database.read { try $0.records(kind: kind, idPrefix: lower, limit: Self.candidateLimit + 1) }
            if matches.count == 1 { return matches[0].id }
            if matches.count > 1 { throw Self.ambiguity(text, matches) }
        }
        var matches: [RecordSummary] = []
        for kind in kinds {
            matches += try await database.read { try $0.records(kind: kind, titled: text, limit: Self.candidateLimit + 1) }
        }
        let live = matches.filter { !$0.deleted }
        let inScope: [RecordSummary] =
            switch scope {
            case .live: live
            case .deleted: matches.filter(\.deleted)
            case .preferringLive: live.isEmpty ? matches : live
            }
        if inScope.count == 1 { return inScope[0].id }
        if inScope.count > 1 { throw Self.ambiguity(text, inScope) }
        // One record has the name but is out of scope: the caller says why it cannot be used.
        if matches.count == 1 { return matches[0].id }
        if matches.count > 1 { throw Self.ambiguity(text, matches) }
        throw NodeError.noSuchRecord(text, kinds: kinds)
    }

    /// The kind of a typed ID prefix (`c_ckko`): a kind's prefix, `_`, then up to 15 of the 16 base32 characters.
    static func idPrefixKind(_ text: String) -> EntityKind? {
        let parts = text.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count < 16,
            parts[1].unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        else { return nil }
        return EntityKind(prefix: String(parts[0]))
    }

    private static func ambiguity(_ text: String, _ matches: [RecordSummary]) -> NodeError {
        .ambiguous(text, candidates: Array(matches.prefix(candidateLimit)), more: matches.count > candidateLimit)
    }
}
