import Foundation
import SidingAPI
import SidingCore
import SidingStore
import SidingSync

/// The node's behaviour behind the local API: validated edits become signed changes through the
/// group-commit writer; reads come from the merged view, never from replaying the log. Reaches the
/// database only through `NodeDatabase`.
final class NodeService: Sendable {
    let configuration: Configuration
    let nodeID: NodeID
    private let database: NodeDatabase
    private let engine: SyncEngine
    private let restoreGuard: RestoreGuard

    init(database: NodeDatabase, configuration: Configuration, nodeID: NodeID, engine: SyncEngine, restoreGuard: RestoreGuard) {
        self.database = database
        self.configuration = configuration
        self.nodeID = nodeID
        self.engine = engine
        self.restoreGuard = restoreGuard
    }

    // MARK: Writes

    func create(_ kind: EntityKind, _ request: CreateRequest) async throws -> WriteOutcome {
        try await restoreGuard.checkWritable(engine)
        let edit = try validated(Edit(writes: request.set, additions: request.add), kind: kind, creating: true)
        var random = SystemRandomNumberGenerator()
        guard let id = EntityID(kind: kind, bytes: (0..<EntityID.randomByteCount).map { _ in UInt8.random(in: 0...255, using: &random) }) else {
            throw NodeError.badRequest("cannot make an ID")
        }
        return try await database.write { transaction, author in
            try Self.checkParticipants(edit, in: transaction)
            let operations = EditPlanner.operations(for: edit, on: id, current: nil)
            try author.commit(operations, in: transaction)
            return WriteOutcome(id: id.description, changed: true)
        }
    }

    func edit(_ kind: EntityKind, id text: String, _ request: EditRequest) async throws -> WriteOutcome {
        let id = try entityID(text, kind: kind)
        let edit = try validated(Edit(writes: request.set, additions: request.add, removals: request.remove), kind: kind, creating: false)
        return try await change(id, edit)
    }

    func delete(_ kind: EntityKind, id text: String) async throws -> WriteOutcome {
        try await change(try entityID(text, kind: kind), .delete)
    }

    private func change(_ id: EntityID, _ edit: Edit) async throws -> WriteOutcome {
        try await restoreGuard.checkWritable(engine)
        return try await database.write { transaction, author in
            guard let current = try transaction.entity(id) else { throw NodeError.unknownID(id.description) }
            guard !current.isDeleted else {
                if edit == .delete { return WriteOutcome(id: id.description, changed: false) }
                throw NodeError.deleted(id.description)
            }
            try Self.checkParticipants(edit, in: transaction)
            let operations = EditPlanner.operations(for: edit, on: id, current: current)
            guard !operations.isEmpty else { return WriteOutcome(id: id.description, changed: false) }
            try author.commit(operations, in: transaction)
            return WriteOutcome(id: id.description, changed: true)
        }
    }

    private func validated(_ edit: Edit, kind: EntityKind, creating: Bool) throws -> Edit {
        do {
            return try EditValidation.validate(edit, kind: kind, creating: creating)
        } catch {
            throw NodeError.invalidEdit(error)
        }
    }

    /// A note may only name contacts this node knows.
    private static func checkParticipants(_ edit: Edit, in transaction: StoreWriter) throws {
        for participant in edit.additions["participants"] ?? [] {
            guard let id = EntityID(participant), let state = try transaction.entity(id), id.kind == .contact else {
                throw NodeError.badRequest("participant '\(participant)' is not a known contact; add the contact first or check the ID")
            }
            if state.isDeleted { throw NodeError.deleted(participant) }
        }
    }

    private func entityID(_ text: String, kind: EntityKind) throws -> EntityID {
        guard let id = EntityID(text) else {
            throw NodeError.badRequest("'\(text)' is not an ID; IDs look like c_k3j9x2m4p8q1r5t7 (contacts) or n_… (notes)")
        }
        guard id.kind == kind else { throw NodeError.wrongKind(id: text, expected: kind) }
        return id
    }

    /// A consistent online copy at `path` (absolute, not yet existing), checked with integrity_check.
    func backup(_ request: BackupRequest) async throws -> BackupResult {
        guard request.path.hasPrefix("/") else { throw NodeError.badRequest("give the backup path as an absolute path") }
        return try await database.read { store in
            guard !FileManager.default.fileExists(atPath: request.path) else {
                throw NodeError.badRequest("\(request.path) already exists; choose a new file name (backups are never overwritten)")
            }
            do {
                let integrity = try store.backup(to: request.path)
                let size = (try? FileManager.default.attributesOfItem(atPath: request.path)[.size] as? Int) ?? 0
                return BackupResult(path: request.path, integrityCheck: integrity, bytes: size)
            } catch {
                throw NodeError.badRequest("cannot write the backup to \(request.path): \(error); the daemon's user must be able to write there")
            }
        }
    }

    // MARK: Reads

    func record(_ kind: EntityKind, id text: String) async throws -> EntityRecord {
        let id = try entityID(text, kind: kind)
        guard let record = try await database.read({ try $0.record(id) }) else { throw NodeError.unknownID(text) }
        return record
    }

    func contacts(tag: String?, country: String?, organization: String?) async throws -> [ContactResource] {
        var filters: [ListFilter] = []
        if let tag { filters.append(.member(field: "tags", element: tag)) }
        if let country { filters.append(.equals(field: "country", value: country)) }
        if let organization { filters.append(.equals(field: "organization", value: organization)) }
        return try await database.read { [filters] in try $0.list(kind: .contact, filters: filters, sortField: "name") }.map(ResourceMapping.contact)
    }

    func notes(conflict: String?, participant: String?, since: String?) async throws -> [NoteResource] {
        var filters: [ListFilter] = []
        if let conflict { filters.append(.equals(field: "conflict", value: conflict)) }
        if let participant { filters.append(.member(field: "participants", element: participant)) }
        if let since {
            guard CalendarDate(since) != nil else { throw NodeError.badRequest("--since must be a date as YYYY-MM-DD") }
            filters.append(.atLeast(field: "date", value: since))
        }
        return try await database.read { [filters] in try $0.list(kind: .note, filters: filters, sortField: "date", descending: true) }
            .map(ResourceMapping.note)
    }

    /// A page of results and how many matched. Stopped after `SearchBudget.standardTime`, or as soon
    /// as the calling task is cancelled (its client went away).
    func search(_ text: String, limit: Int) async throws -> SearchPageResource {
        guard !text.trimmingWhitespace.isEmpty else { throw NodeError.badRequest("the search query is empty; give one or more words") }
        let budget = SearchBudget()
        do {
            let page = try await withTaskCancellationHandler {
                try await database.search { try $0.search(text, limit: limit, budget: budget) }
            } onCancel: {
                budget.cancel()
            }
            return SearchPageResource(results: page.hits.map(ResourceMapping.searchResult), total: page.total)
        } catch let error as StoreError {
            switch error {
            case .searchTooLong: throw NodeError.badRequest(error.description)
            case .searchStopped: throw NodeError.searchRefused(error.description)
            default: throw error
            }
        }
    }

    func history(_ text: String) async throws -> [HistoryItem] {
        guard let id = EntityID(text) else { throw NodeError.badRequest("'\(text)' is not an ID") }
        let entries = try await database.read { try $0.history(id) }
        guard !entries.isEmpty else { throw NodeError.unknownID(text) }
        return entries.map(ResourceMapping.history)
    }

    func conflicts() async throws -> [ConflictItem] { try await database.read { try $0.conflicts() }.map(ResourceMapping.conflict) }

    func digest() async throws -> DigestResource {
        let digest = try await database.read { try $0.digest() }
        return DigestResource(
            viewDigest: ViewDigest.hex(digest.view), vectorDigest: ViewDigest.hex(digest.vector), entities: digest.entities,
            origins: digest.origins, changes: digest.changes)
    }
}
