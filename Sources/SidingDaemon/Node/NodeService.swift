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
    // Internal, not private: the import and merge extensions write through them too.
    let database: NodeDatabase
    let engine: SyncEngine
    let restoreGuard: RestoreGuard
    /// The sync engine's revocation barrier: returns once every live session has adopted the circles'
    /// membership as committed (`circle remove` and `peer remove` wait for it).
    let barrier: @Sendable () async -> Void
    var resolver: RecordResolver { RecordResolver(database: database) }

    init(
        database: NodeDatabase, configuration: Configuration, nodeID: NodeID, engine: SyncEngine, restoreGuard: RestoreGuard,
        barrier: @escaping @Sendable () async -> Void
    ) {
        self.database = database
        self.configuration = configuration
        self.nodeID = nodeID
        self.engine = engine
        self.restoreGuard = restoreGuard
        self.barrier = barrier
    }

    // MARK: Writes

    /// Refuses writes while edits are locked (a restored backup or a lost database).
    func checkWritable() async throws { try await restoreGuard.checkWritable(engine) }

    func create(_ kind: EntityKind, _ request: CreateRequest) async throws -> WriteOutcome {
        try await restoreGuard.checkWritable(engine)
        let additions = try await resolvingReferences(request.add, of: kind, scope: .live)
        let edit = try validated(Edit(writes: request.set, additions: additions), kind: kind, creating: true)
        let record = try NewRecord(kind, madeBy: nodeID)
        let directory = try await circleDirectory()
        let target = try newRecordTarget(request.circle, in: directory)
        return try await database.write { transaction, author in
            try self.checkParticipants(edit, in: transaction)
            try Self.checkReferences(edit, from: target.id, directory: directory, in: transaction)
            let operations = EditPlanner.operations(for: edit, on: record.id, current: nil)
            try author.commit(operations, in: transaction, newRecordsIn: target.id)
            try record.remember(in: transaction)
            return WriteOutcome(id: record.id.description, changed: true, placement: directory.placement(target))
        }
    }

    func edit(_ kind: EntityKind, id text: String, _ request: EditRequest) async throws -> WriteOutcome {
        let id = try await resolver.resolve(text, kinds: [kind], scope: .live)
        let additions = try await resolvingReferences(request.add, of: kind, scope: .live)
        let removals = try await resolvingReferences(request.remove, of: kind, scope: .preferringLive)
        let edit = try validated(Edit(writes: request.set, additions: additions, removals: removals), kind: kind, creating: false)
        return try await change(id, edit)
    }

    func delete(_ kind: EntityKind, id text: String) async throws -> WriteOutcome {
        try await change(try await resolver.resolve(text, kinds: [kind], scope: .live), .delete)
    }

    /// Brings a deleted record back: a write of its tombstone register over the values this node holds,
    /// so a delete made concurrently elsewhere meets it as a conflict (and wins until resolved).
    func restore(_ kind: EntityKind, id text: String) async throws -> WriteOutcome {
        try await change(try await resolver.resolve(text, kinds: [kind], scope: .deleted), .restore)
    }

    private func change(_ id: EntityID, _ edit: Edit) async throws -> WriteOutcome {
        try await restoreGuard.checkWritable(engine)
        let directory = try await circleDirectory()
        return try await database.write { transaction, author in
            try self.refuseErased(id, in: transaction)
            guard let current = try transaction.entity(id) else { throw NodeError.unknownID(id.description) }
            // Only a restore or a delete may write a deleted record (a delete again settles a
            // delete/restore conflict); restoring a record that is not deleted changes nothing.
            if edit == .restore, !current.isDeleted { return WriteOutcome(id: id.description, changed: false) }
            if current.isDeleted, edit != .delete, edit != .restore {
                throw NodeError.deleted(id.description)
            }
            try self.checkParticipants(edit, in: transaction)
            try Self.checkReferences(edit, from: try transaction.circle(of: id), directory: directory, in: transaction)
            var operations = EditPlanner.operations(for: edit, on: id, current: current)
            if edit == .restore { operations += MergePlanner.unlinking(current) }
            if edit == .delete { operations += MergePlanner.settlingPointer(current) }
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

    /// A note may only name contacts this node knows, and not erased ones.
    private func checkParticipants(_ edit: Edit, in transaction: StoreWriter) throws {
        for participant in edit.additions["participants"] ?? [] {
            if let id = EntityID(participant) { try refuseErased(id, in: transaction) }
            guard let id = EntityID(participant), let state = try transaction.entity(id), id.kind == .contact else {
                throw NodeError.badRequest("participant '\(participant)' is not a known contact; add the contact first or check the ID")
            }
            if state.isDeleted { throw NodeError.deleted(participant) }
        }
    }

    /// Set elements that name records (a note's participants) given by ID prefix or name become IDs.
    private func resolvingReferences(
        _ elements: [String: [String]], of kind: EntityKind, scope: RecordResolver.Scope
    ) async throws -> [String: [String]] {
        var resolved = elements
        for field in Schema.fields(of: kind) where field.shape == .contactID {
            guard let typed = elements[field.name] else { continue }
            var ids: [String] = []
            for text in typed {
                do {
                    ids.append(try await resolver.resolve(text, kinds: [.contact], scope: scope).description)
                } catch NodeError.noSuchRecord, NodeError.wrongKind {
                    throw NodeError.badRequest(
                        "participant '\(text)' is not a known contact; add the contact first or check the ID (or name)")
                }
            }
            resolved[field.name] = ids
        }
        return resolved
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

    /// How many of the best search hits `search --circle` filters.
    static let searchCircleWindow = 1_000

    func record(_ kind: EntityKind, id text: String) async throws -> EntityRecord {
        let id = try await resolver.resolve(text, kinds: [kind], scope: .preferringLive)
        guard let record = try await database.read({ try $0.record(id) }) else { throw NodeError.unknownID(text) }
        return record
    }

    /// The names of the records `record` refers to (its participants, the contact it was merged into), by ID.
    func referencedNames(_ record: EntityRecord) async throws -> [String: String] {
        let ids =
            (Schema.fields(of: record.id.kind).filter { $0.shape == .contactID }.flatMap { record.sets[$0.name] ?? [] }
            + [record.fields[ContactSchema.mergedInto.name]].compactMap { $0 }).compactMap(EntityID.init)
        guard !ids.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await database.read { try $0.titles(of: ids) }.map { ($0.key.description, $0.value) })
    }

    func contacts(tag: String?, country: String?, organization: String?, deleted: Bool = false, circle: String? = nil) async throws
        -> [ContactResource]
    {
        var filters = try await contactFilters(tag: tag, country: country, organization: organization)
        let directory = try await circleDirectory()
        if let circle { filters.append(.inCircle(try directory.resolve(circle).id)) }
        let records = try await database.read { [filters] in
            try $0.list(kind: .contact, filters: filters, sortField: "name", onlyDeleted: deleted)
        }
        return try await withCircles(records, directory)
    }

    /// The records as resources, each with its circle.
    func withCircles<Kind>(_ records: [EntityRecord], _ directory: CircleDirectory) async throws -> [RecordResource<Kind>] {
        let circles = try await database.read { try $0.circles(of: records.map(\.id)) }
        return records.map { record in
            var resource: RecordResource<Kind> = ResourceMapping.resource(record)
            resource.circle = directory.ref(CircleTarget(circles[record.id]))
            return resource
        }
    }

    /// The circle `record` belongs to, as the API names it.
    func circleRef(of record: EntityRecord) async throws -> CircleRef {
        let directory = try await circleDirectory()
        return directory.ref(CircleTarget(try await database.read { try $0.circles(of: [record.id]) }[record.id]))
    }

    /// `contact list`'s filters, checked.
    func contactFilters(tag: String?, country: String?, organization: String?) async throws -> [ListFilter] {
        var filters: [ListFilter] = []
        if let tag { filters.append(try await tagFilter(tag)) }
        if let country {
            guard country.isEmpty || CountryCode.normalised(country) != nil else {
                throw NodeError.badRequest("--country: \(CountryCode.problem(with: country))")
            }
            filters.append(.equals(field: "country", value: country))
        }
        if let organization { filters.append(.equals(field: "organization", value: organization)) }
        return filters
    }

    func notes(
        conflict: String?, participant: String?, since: String?, tag: String? = nil, deleted: Bool = false, circle: String? = nil
    ) async throws -> [NoteResource] {
        var filters: [ListFilter] = []
        let directory = try await circleDirectory()
        if let circle { filters.append(.inCircle(try directory.resolve(circle).id)) }
        if let conflict { filters.append(.equals(field: "conflict", value: conflict)) }
        if let participant {
            let id = try await resolver.resolve(participant, kinds: [.contact], scope: .preferringLive)
            filters.append(.member(field: NoteSchema.participants.name, element: id.description))
        }
        if let since {
            guard CalendarDate(since) != nil else { throw NodeError.badRequest("--since must be a date as YYYY-MM-DD") }
            filters.append(.atLeast(field: "date", value: since))
        }
        if let tag { filters.append(try await tagFilter(tag)) }
        let records = try await database.read { [filters] in
            try $0.list(kind: .note, filters: filters, sortField: "date", descending: true, onlyDeleted: deleted)
        }
        return try await withCircles(records, directory)
    }

    /// Matches a tag in every spelling it is held in (`water` finds `Water`), as tags ignore case.
    private func tagFilter(_ tag: String) async throws -> ListFilter {
        let field = Schema.tags
        let spellings = try await database.read { try $0.distinctElements(of: field.name) }
        let wanted = field.elementKey(tag)
        return .memberOfAny(field: field.name, elements: spellings.filter { field.elementKey($0) == wanted })
    }

    /// Who each node is: the partners' names from the partner list, and this node's own.
    func nodeNames() async throws -> [NodeID: String] {
        var names = Dictionary(try await database.read { try $0.peers() }.map { ($0.nodeID, $0.name) }, uniquingKeysWith: { a, _ in a })
        names[nodeID] = configuration.name
        return names
    }

    /// A page of results and how many matched. Stopped after `SearchBudget.standardTime`, or as soon
    /// as the calling task is cancelled (its client went away).
    func search(_ text: String, limit: Int, circle: String? = nil) async throws -> SearchPageResource {
        guard !text.trimmingWhitespace.isEmpty else { throw NodeError.badRequest("the search query is empty; give one or more words") }
        let budget = SearchBudget()
        var wanted: CircleTarget?
        if let circle { wanted = try await circleDirectory().resolve(circle) }
        // Filtered after ranking: a circle's hits are looked for among the first `searchCircleWindow`.
        let fetched = wanted == nil ? limit : max(limit, Self.searchCircleWindow)
        do {
            let page = try await withTaskCancellationHandler {
                try await database.search { try $0.search(text, limit: fetched, budget: budget) }
            } onCancel: {
                budget.cancel()
            }
            if let wanted {
                let ids = page.hits.map { $0.record.id }
                let circles = try await database.read { try $0.circles(of: ids) }
                let hits = page.hits.filter { circles[$0.record.id] == wanted.id }
                return SearchPageResource(results: hits.prefix(limit).map(ResourceMapping.searchResult), total: hits.count)
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
        // A full ID of any kind, even one this version does not know; otherwise a contact or note by prefix or name.
        var id = EntityID(text.trimmingWhitespace)
        if id == nil { id = try await resolver.resolve(text, kinds: [.contact, .note], scope: .preferringLive) }
        guard let id else { throw NodeError.unknownID(text) }
        let entries = try await database.read { try $0.history(id) }
        guard !entries.isEmpty else { throw NodeError.unknownID(text) }
        let nodes = try await nodeNames()
        let referenced = entries.filter { Schema.field($0.field, of: id.kind)?.shape == .contactID }.compactMap { $0.value.flatMap(EntityID.init) }
        let titles = try await database.read { try $0.titles(of: Array(Set(referenced))) }
        let items = entries.map { entry in
            ResourceMapping.history(entry, nodeName: nodes[entry.origin], valueName: entry.value.flatMap(EntityID.init).flatMap { titles[$0] })
        }
        return try await markingErasure(items, of: id, names: nodes)
    }

    func conflicts() async throws -> [ConflictItem] {
        let records = try await database.read { try $0.conflicts() }
        let nodes = try await nodeNames()
        let titles = try await database.read { try $0.titles(of: Array(Set(records.map(\.entity)))) }
        return records.map { ResourceMapping.conflict($0, title: titles[$0.entity] ?? "", nodeNames: nodes) }
    }

    func digest() async throws -> DigestResource {
        let digest = try await database.read { try $0.digest() }
        return DigestResource(
            viewDigest: ViewDigest.hex(digest.view), vectorDigest: ViewDigest.hex(digest.vector), entities: digest.entities,
            origins: digest.origins, changes: digest.changes)
    }
}
