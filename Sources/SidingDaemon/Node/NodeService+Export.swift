import SidingAPI
import SidingCore
import SidingStore

/// `GET /v1/contacts?page_size=N&after=ID` (and `/v1/notes`): live records in ID order, a page at a
/// time, so an export of 100,000 contacts never holds them all in the daemon or the CLI.
extension NodeService {
    static let maxPageSize = 5_000

    func page(_ kind: EntityKind, _ query: [String: String]) async throws -> APIResponse {
        guard let size = Int(query["page_size"] ?? ""), (1...Self.maxPageSize).contains(size) else {
            throw NodeError.badRequest("page_size must be between 1 and \(Self.maxPageSize)")
        }
        let after = query["after"]
        let filters =
            kind == .contact
            ? try await contactFilters(tag: query["tag"], country: query["country"]?.uppercased(), organization: query["org"]) : []
        let records = try await database.read { [filters] in try $0.page(kind: kind, filters: filters, after: after, limit: size) }
        return kind == .contact ? .json(records.map(ResourceMapping.contact)) : .json(records.map(ResourceMapping.note))
    }
}
