import NIOHTTP1
import SidingAPI
import SidingCore

/// `POST /v1/contacts|notes/ID/erase`, `GET /v1/erasures?kind=contacts|notes` and
/// `GET /v1/circles/CIRCLE/erasures`; nil for any other request.
extension LocalAPIRouter {
    func routeErasure(_ request: APIRequest) async throws -> APIResponse? {
        let path = request.segments
        guard path.first == "v1" else { return nil }
        switch (request.method, path.count) {
        case (.POST, 4) where path[3] == "erase":
            guard let kind = Self.erasableKind(path[1]) else { return nil }
            return .json(try await service.erase(kind, id: path[2]))
        case (.GET, 2) where path[1] == "erasures":
            guard let kind = Self.erasableKind(request.query["kind"] ?? "") else {
                throw NodeError.badRequest("give the kind of records: /v1/erasures?kind=contacts or ?kind=notes")
            }
            return .json(try await service.erasures(kind))
        case (.GET, 4) where path[1] == "circles" && path[3] == "erasures":
            return .json(try await service.circleErasures(path[2]))
        default:
            return nil
        }
    }

    private static func erasableKind(_ resource: String) -> EntityKind? {
        switch resource {
        case "contacts": .contact
        case "notes": .note
        default: nil
        }
    }
}
