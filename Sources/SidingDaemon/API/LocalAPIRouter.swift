import NIOCore
import NIOHTTP1
import SidingAPI
import SidingCore

/// Maps local API requests to the node service. Every failure becomes a JSON error with a 4xx/5xx
/// status and changes nothing.
struct LocalAPIRouter: Sendable {
    let service: NodeService
    let partners: PartnerService
    let version: String

    func handle(_ request: APIRequest) async -> APIResponse {
        do {
            return try await route(request)
        } catch let error as NodeError {
            return .error(error)
        } catch {
            return .error(.storage(String(describing: error)))
        }
    }

    private func route(_ request: APIRequest) async throws -> APIResponse {
        let path = request.segments
        // Unversioned, where Prometheus and its exporters look for it.
        if path == ["metrics"], request.method == .GET { return .metrics(try await NodeMetrics(partners: partners).exposition()) }
        if let response = try await routeErasure(request) { return response }
        if request.method == .POST, path.count == 4, path[0] == "v1", path[3] == "restore", let kind = Self.kind(path[1]) {
            let outcome = try await service.restore(kind, id: path[2])
            return .json(WriteResult(id: outcome.id, changed: outcome.changed))
        }
        if path.count >= 2, path[0] == "v1", ["circles", "move"].contains(path[1]) { return try await routeCircles(request) }
        guard path.first == "v1", (2...3).contains(path.count) else { throw notFound(request) }
        let resource = path[1]
        let id: String? = path.count == 3 ? path[2] : nil
        let kind: EntityKind? =
            switch resource {
            case "contacts": .contact;
            case "notes": .note;
            default: nil
            }
        switch (request.method, resource, id) {
        case (.GET, "node", nil):
            return .json(
                NodeInfo(
                    id: service.nodeID.description, name: service.configuration.name,
                    listen: service.configuration.listen.description, version: version))
        case (.POST, _, "import") where kind != nil:
            return .json(try await service.importRecords(kind ?? .contact, try request.decode(ImportRequest.self)))
        case (.POST, _, nil) where kind != nil:
            let outcome = try await service.create(kind ?? .contact, try request.decode(CreateRequest.self))
            return .json(WriteResult(id: outcome.id, changed: outcome.changed, placement: outcome.placement), status: .created)
        case (.PATCH, _, .some(let id)) where kind != nil:
            let outcome = try await service.edit(kind ?? .contact, id: id, try request.decode(EditRequest.self))
            return .json(WriteResult(id: outcome.id, changed: outcome.changed))
        case (.DELETE, _, .some(let id)) where kind != nil:
            let outcome = try await service.delete(kind ?? .contact, id: id)
            return .json(WriteResult(id: outcome.id, changed: outcome.changed))
        case (.GET, _, nil) where kind != nil && request.query["page_size"] != nil:
            return try await service.page(kind ?? .contact, request.query)
        case (.GET, "contacts", nil):
            return .json(
                try await service.contacts(
                    tag: request.query["tag"], country: request.query["country"]?.uppercased(), organization: request.query["org"],
                    deleted: Self.flag(request.query["deleted"]), circle: request.query["circle"]))
        case (.GET, "notes", nil):
            return .json(
                try await service.notes(
                    conflict: request.query["conflict"], participant: request.query["participant"], since: request.query["since"],
                    tag: request.query["tag"], deleted: Self.flag(request.query["deleted"]), circle: request.query["circle"]))
        case (.GET, "contacts", .some(let id)):
            let record = try await service.record(.contact, id: id)
            var contact: ContactResource = ResourceMapping.resource(record, names: try await service.referencedNames(record))
            contact.circle = try await service.circleRef(of: record)
            contact.erased = try await service.erasureResource(of: record.id)
            return .json(contact)
        case (.GET, "notes", .some(let id)):
            let record = try await service.record(.note, id: id)
            var note: NoteResource = ResourceMapping.resource(record, names: try await service.referencedNames(record))
            note.circle = try await service.circleRef(of: record)
            note.erased = try await service.erasureResource(of: record.id)
            return .json(note)
        case (.GET, "search", nil):
            let limit = Int(request.query["limit"] ?? "") ?? 50
            guard (1...1_000).contains(limit) else { throw NodeError.badRequest("limit must be between 1 and 1000") }
            let page = try await service.search(request.query["q"] ?? "", limit: limit, circle: request.query["circle"])
            return request.query["total"] == nil ? .json(page.results) : .json(page)
        case (.GET, "history", .some(let id)):
            return .json(try await service.history(id))
        case (.GET, "conflicts", nil):
            return .json(try await service.conflicts())
        case (.POST, "merge", nil):
            return .json(try await service.merge(try request.decode(MergeRequest.self)))
        case (.GET, "duplicates", nil):
            return .json(try await service.duplicates())
        case (.GET, "digest", nil):
            if let circle = request.query["circle"] { return .json(try await service.digest(circle: circle)) }
            return .json(try await service.digest())
        case (.GET, "peers", nil):
            return .json(try await partners.list())
        case (.POST, "peers", nil):
            return .json(try await partners.add(try request.decode(PeerResource.self)), status: .created)
        case (.DELETE, "peers", .some(let id)):
            return .json(try await partners.remove(id))
        case (.POST, "backup", nil):
            return .json(try await service.backup(try request.decode(BackupRequest.self)))
        case (.GET, "status", nil):
            return .json(try await partners.status())
        case (.POST, "sync", nil):
            partners.engine.syncNow()
            return .json(try await partners.status())
        default:
            throw notFound(request)
        }
    }

    private static func kind(_ resource: String) -> EntityKind? {
        switch resource {
        case "contacts": .contact
        case "notes": .note
        default: nil
        }
    }

    /// `?deleted=true` (or 1, yes); absent or anything else is false.
    private static func flag(_ value: String?) -> Bool { ["true", "1", "yes"].contains(value?.lowercased() ?? "") }

    func notFound(_ request: APIRequest) -> NodeError {
        .badRequest("no such API endpoint: \(request.method) /\(request.segments.joined(separator: "/"))")
    }
}
