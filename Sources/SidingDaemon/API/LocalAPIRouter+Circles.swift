import NIOHTTP1
import SidingAPI

/// `/v1/circles…` and `/v1/move`.
extension LocalAPIRouter {
    func routeCircles(_ request: APIRequest) async throws -> APIResponse {
        let path = Array(request.segments.dropFirst(2))
        switch (request.method, request.segments[1], path) {
        case (.POST, "move", []):
            return .json(try await service.move(try request.decode(MoveRequest.self)))
        case (.GET, "circles", []):
            return .json(try await service.circles())
        case (.POST, "circles", []):
            return .json(try await service.createCircle(try request.decode(CircleCreateRequest.self)), status: .created)
        case (.GET, "circles", let rest) where rest.count == 1:
            return .json(try await service.showCircle(rest[0]))
        case (.POST, "circles", let rest) where rest.count == 2 && rest[1] == "members":
            return .json(try await service.addMember(rest[0], try request.decode(CircleMemberRequest.self)))
        case (.DELETE, "circles", let rest) where rest.count == 3 && rest[1] == "members":
            return .json(try await service.removeMember(rest[0], nodeID: rest[2]))
        case (.POST, "circles", let rest) where rest.count == 2 && rest[1] == "leave":
            return .json(try await service.leaveCircle(rest[0]))
        case (.GET, "circles", let rest) where rest.count == 2 && rest[1] == "audit":
            return .json(try await service.audit(rest[0]))
        default:
            throw notFound(request)
        }
    }
}
