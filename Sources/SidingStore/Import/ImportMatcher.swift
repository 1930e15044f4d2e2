import SidingCore

/// What importing one record will do, decided before anything is written.
public enum ImportPlan: Hashable, Sendable {
    /// A new record: under the file's own ID when this node does not hold it yet (another node's
    /// export brings the same records), else under a fresh ID (nil).
    case create(EntityID?, Edit)
    /// The file's values merged into a held record.
    case change(EntityID, Edit)
    /// Nothing to write: unchanged, skipped or failed, with the held record it matched and why.
    case settled(ImportOutcome, EntityID?, reason: String?)
}

/// Matches an imported record with the records held, in this order: by Siding ID (a Siding export),
/// by a source key imported before (a vCard UID, a CSV row's content), then, when asked, by e-mail.
/// Never by name alone: two people called Li Wei are normal.
public enum ImportMatcher {
    public struct Options: Hashable, Sendable {
        public var policy: DuplicatePolicy
        public var matchEmail: Bool

        public init(policy: DuplicatePolicy, matchEmail: Bool) {
            self.policy = policy
            self.matchEmail = matchEmail
        }
    }

    public static func plan(
        kind: EntityKind, sidingID: String?, sourceKey: String?, prepared: Edit, options: Options, lookup: some ImportLookup
    ) throws -> ImportPlan {
        let noun = kind == .contact ? "contact" : "note"
        var ownID: EntityID?
        var match: (id: EntityID, state: EntityState, how: String)?
        if let sidingID, !sidingID.isEmpty {
            guard let id = EntityID(sidingID), id.kind == kind else {
                return .settled(
                    .failed, nil, reason: "id '\(sidingID)' is not a \(noun) ID (they look like \(kind == .contact ? "c" : "n")_k3j9x2m4p8q1r5t7)")
            }
            if let state = try lookup.importedState(id) {
                if options.policy != .new { match = (id, state, "same Siding ID") }
            } else {
                ownID = id
            }
        }
        if match == nil, options.policy != .new, let sourceKey, let id = try lookup.importedEntity(sourceKey: sourceKey), id.kind == kind,
            let state = try lookup.importedState(id)
        {
            match = (id, state, "imported before from the same \(sourceKey.hasPrefix(contentKeyPrefix) ? "content" : "source record")")
        }
        if match == nil, options.matchEmail, options.policy != .new, kind == .contact {
            for email in prepared.additions[ContactSchema.emails.name] ?? [] {
                let holders = Set(
                    try lookup.liveEntities(of: kind, holding: email, in: ContactSchema.emails.name)
                        + (email.lowercased() == email
                            ? [] : lookup.liveEntities(of: kind, holding: email.lowercased(), in: ContactSchema.emails.name))
                ).sorted()
                if holders.count > 1 {
                    return .settled(
                        .skipped, nil,
                        reason: "the e-mail \(email) is held by \(holders.count) contacts (\(holders.map(\.description).joined(separator: ", "))); "
                            + "merge them with `siding contact merge` first")
                }
                if let id = holders.first, let state = try lookup.importedState(id) {
                    match = (id, state, "holds the e-mail \(email)")
                    break
                }
            }
        }
        if let failure = try participantProblem(prepared, kind: kind, lookup: lookup) { return .settled(.failed, nil, reason: failure) }
        guard let match else { return .create(ownID, prepared) }
        if match.state.isDeleted {
            return .settled(
                .skipped, match.id,
                reason: "matches \(match.id) (\(match.how)), which is deleted; restore it with `siding \(noun) restore \(match.id)`, "
                    + "or import with --on-duplicate new")
        }
        let edit = ImportPlanner.edit(prepared, onto: match.state, policy: options.policy)
        guard !EditPlanner.operations(for: edit, on: match.id, current: match.state).isEmpty else {
            return .settled(.unchanged, match.id, reason: nil)
        }
        guard options.policy != .skip else {
            return .settled(
                .skipped, match.id,
                reason: "already held as \(match.id) (\(match.how)); --on-duplicate update or fill merges the file's values into it")
        }
        return .change(match.id, edit)
    }

    /// The prefix of keys made from a record's content (`ImportPlanner.contentKey`).
    static let contentKeyPrefix = "sha256:"

    /// A note may only name contacts this node holds and has not deleted.
    private static func participantProblem(_ edit: Edit, kind: EntityKind, lookup: some ImportLookup) throws -> String? {
        for field in Schema.fields(of: kind) where field.shape == .contactID {
            for participant in edit.additions[field.name] ?? [] {
                guard let id = EntityID(participant), let state = try lookup.importedState(id) else {
                    return "participant '\(participant)' is not a known contact; import the contacts first (siding contact import)"
                }
                if state.isDeleted { return "participant \(participant) is deleted; restore it with `siding contact restore \(participant)`" }
            }
        }
        return nil
    }
}
