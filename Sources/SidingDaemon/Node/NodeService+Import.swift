import SidingAPI
import SidingCore
import SidingStore

/// `POST /v1/contacts/import` and `/v1/notes/import`: a batch of a file's records, each matched with
/// the records held (`ImportMatcher`) and written as its own change.
extension NodeService {
    /// The most records one request may carry; the CLI sends a few hundred at a time.
    static let maxImportBatch = 1_000

    func importRecords(_ kind: EntityKind, _ request: ImportRequest) async throws -> ImportResponse {
        guard request.records.count <= Self.maxImportBatch else {
            throw NodeError.badRequest("an import batch holds at most \(Self.maxImportBatch) records; send the file in smaller batches")
        }
        let options = ImportMatcher.Options(policy: request.onDuplicate, matchEmail: request.matchEmail)
        let truncate = request.truncate
        if request.dryRun {
            // Reads only: the same decisions a real import makes, against what is committed now.
            return ImportResponse(
                items: try await database.read { store in
                    let lookup = StoreImportLookup(store: store)
                    return try request.records.map { record in
                        switch Self.prepared(record, kind: kind, truncate: truncate) {
                        case .failure(let failure): return failure.item
                        case .success(let prepared):
                            let plan = try ImportMatcher.plan(
                                kind: kind, sidingID: record.id, sourceKey: record.sourceKey, prepared: prepared.edit, options: options,
                                lookup: lookup)
                            return Self.item(record, prepared, kind: kind, Self.dryRunOutcome(plan))
                        }
                    }
                })
        }
        try await restoreGuard.checkWritable(engine)
        // Each record is its own signed change in its own savepoint (a record that fails undoes only
        // itself); the batch is one job, so it commits in one transaction with one fsync. The answer
        // comes after the commit, so every outcome it reports is durable.
        let prepared = request.records.map { Self.prepared($0, kind: kind, truncate: truncate) }
        let freshRecords = try request.records.map { _ in try NewRecord(kind, madeBy: nodeID) }
        let records = request.records
        // New records go where `contact add` would put them: `[sharing] default_circle`, else the network.
        let directory = try await circleDirectory()
        let target = try newRecordTarget(nil, in: directory)
        let items = try await database.write { transaction, author in
            try zip(records.indices, records).map { index, record -> ImportItem in
                switch prepared[index] {
                case .failure(let failure): return failure.item
                case .success(let prepared):
                    let decided: (ImportOutcome, EntityID?, String?)
                    do {
                        decided = try transaction.savepoint {
                            let plan = try ImportMatcher.plan(
                                kind: kind, sidingID: record.id, sourceKey: record.sourceKey, prepared: prepared.edit, options: options,
                                lookup: transaction)
                            return try Self.execute(
                                plan, sourceKey: record.sourceKey, fresh: freshRecords[index], into: target, directory, transaction, &author)
                        }
                    } catch {
                        decided = (.failed, nil, "not written: \(error)")
                    }
                    return Self.item(record, prepared, kind: kind, decided)
                }
            }
        }
        return ImportResponse(items: items)
    }

    /// The record held to the schema, or its failed outcome.
    private static func prepared(_ record: ImportRecord, kind: EntityKind, truncate: Bool) -> Result<PreparedImport, ImportFailure> {
        do {
            return .success(try ImportPlanner.prepare(writes: record.set, additions: record.add, kind: kind, truncate: truncate))
        } catch {
            let name = record.set[Schema.requiredField(of: kind) ?? ""] ?? ""
            return .failure(
                ImportFailure(item: ImportItem(position: record.position, outcome: .failed, id: nil, name: name, reason: error.description)))
        }
    }

    private static func item(_ record: ImportRecord, _ prepared: PreparedImport, kind: EntityKind, _ decided: (ImportOutcome, EntityID?, String?))
        -> ImportItem
    {
        let (outcome, id, reason) = decided
        let reasons = (reason.map { [$0] } ?? []) + prepared.shortened
        return ImportItem(
            position: record.position, outcome: outcome, id: id?.description, name: prepared.edit.writes[Schema.requiredField(of: kind) ?? ""] ?? "",
            reason: reasons.isEmpty ? nil : reasons.joined(separator: "; "))
    }

    /// What a plan would do, without doing it: a record created under a fresh ID has no ID yet.
    private static func dryRunOutcome(_ plan: ImportPlan) -> (ImportOutcome, EntityID?, String?) {
        switch plan {
        case .create(let own, _): (.created, own, nil)
        case .change(let id, _): (.updated, id, nil)
        case .settled(let outcome, let id, let reason): (outcome, id, reason)
        }
    }

    /// Carries out a plan inside the writer's transaction and remembers the source key it matched or made.
    private static func execute(
        _ plan: ImportPlan, sourceKey: String?, fresh: NewRecord, into target: CircleTarget, _ directory: CircleDirectory,
        _ transaction: StoreWriter, _ author: inout LocalAuthor
    ) throws -> (ImportOutcome, EntityID?, String?) {
        let result: (ImportOutcome, EntityID?, String?)
        switch plan {
        case .create(let own, let edit):
            let id = own ?? fresh.id
            try checkReferences(edit, from: target.id, directory: directory, in: transaction)
            try author.commit(EditPlanner.operations(for: edit, on: id, current: nil), in: transaction, newRecordsIn: target.id)
            // A record the file named by its Siding ID keeps it, and with it no proof of who made it.
            if own == nil { try fresh.remember(in: transaction) }
            result = (.created, id, nil)
        case .change(let id, let edit):
            try checkReferences(edit, from: try transaction.circle(of: id), directory: directory, in: transaction)
            let operations = EditPlanner.operations(for: edit, on: id, current: try transaction.entity(id))
            try author.commit(operations, in: transaction)
            result = (.updated, id, nil)
        case .settled(let outcome, let id, let reason):
            result = (outcome, id, reason)
        }
        if let sourceKey, let id = result.1, result.0 != .failed { try transaction.rememberImport(sourceKey: sourceKey, entity: id) }
        return result
    }
}

/// A record that breaks the schema, as its outcome.
private struct ImportFailure: Error {
    let item: ImportItem
}
