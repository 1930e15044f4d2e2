import SidingAPI
import SidingCore
import SidingStore

extension NodeService {
    /// Merges `others` into `keep` as one change (`MergePlanner`): read, planned and committed in one
    /// write transaction, so the states it plans from are the ones it changes.
    func merge(_ request: MergeRequest) async throws -> MergeResult {
        try await checkWritable()
        guard !request.others.isEmpty else { throw NodeError.badRequest("give at least one contact to merge into the one to keep") }
        let keep = try await resolver.resolve(request.keep, kinds: [.contact], scope: .live)
        var others: [EntityID] = []
        for text in request.others {
            let id = try await resolver.resolve(text, kinds: [.contact], scope: .live)
            if !others.contains(id) { others.append(id) }
        }
        let directory = try await circleDirectory()
        return try await database.write { [others] transaction, author in
            for id in [keep] + others { try self.refuseErased(id, in: transaction) }
            guard let keepState = try transaction.entity(keep) else { throw NodeError.unknownID(keep.description) }
            // A merge writes a pointer from each merged contact to the one kept: records of two circles never point across.
            let keepCircle = try transaction.circle(of: keep)
            for other in others where try transaction.circle(of: other) != keepCircle {
                let otherName = directory.ref(CircleTarget(try transaction.circle(of: other))).displayName
                let keepName = directory.ref(CircleTarget(keepCircle)).displayName
                throw NodeError.circleReference(
                    "\(other) is in \(otherName) and \(keep) in \(keepName); contacts of different circles cannot be merged. "
                        + "Move one into the other's circle first (`siding move \(other) --to \"\(keepName)\"`), then merge")
            }
            let otherStates = try others.map { id in
                guard let state = try transaction.entity(id) else { throw NodeError.unknownID(id.description) }
                return state
            }
            let noteIDs = try transaction.entities(holdingAnyOf: others.map(\.description), in: NoteSchema.participants.name)
            let notes = try noteIDs.filter { $0.kind == .note }.compactMap { try transaction.entity($0) }
            do {
                let (operations, summary) = try MergePlanner.plan(keep: keepState, others: otherStates, notes: notes)
                try author.commit(operations, in: transaction)
                return MergeResult(
                    keep: keep.description, merged: others.map(\.description), emails: summary.emails, phones: summary.phones,
                    tags: summary.tags, fields: summary.filledFields, notes: summary.notes.map(\.description))
            } catch let refusal as MergeRefusal {
                throw NodeError.badRequest(refusal.description)
            }
        }
    }

    /// Groups of likely duplicate live contacts, then rings of deleted contacts merged into each other.
    func duplicates() async throws -> [DuplicateGroup] {
        let (candidates, pointers) = try await database.read { store in (try store.duplicateCandidates(), try store.mergePointers()) }
        let names = Dictionary(uniqueKeysWithValues: candidates.map { ($0.id, $0.name) })
        var groups = DuplicateFinder.groups(candidates).map { group in
            DuplicateGroup(ids: group.ids.map(\.description), names: group.ids.map { names[$0] ?? "" }, reasons: group.reasons)
        }
        let rings = MergePlanner.rings(pointers)
        if !rings.isEmpty {
            let titles = try await database.read { try $0.titles(of: rings.flatMap { $0 }) }
            groups += rings.map { ring in
                DuplicateGroup(
                    ids: ring.map(\.description), names: ring.map { titles[$0] ?? "" }, reasons: [DuplicateGroup.mergedIntoEachOther])
            }
        }
        return groups
    }
}
