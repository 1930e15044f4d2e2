extension LocalAPIClient {
    public func circles() async throws -> [CircleResource] { try await get("/v1/circles") }

    public func circle(_ circle: String) async throws -> CircleDetailResource { try await get("/v1/circles/\(circle.pathEscaped)") }

    public func createCircle(_ request: CircleCreateRequest) async throws -> CircleDetailResource {
        try await send(.POST, "/v1/circles", body: request)
    }

    public func addMember(_ circle: String, nodeID: String) async throws -> CircleDetailResource {
        try await send(.POST, "/v1/circles/\(circle.pathEscaped)/members", body: CircleMemberRequest(nodeID: nodeID))
    }

    /// Returns once every live session has stopped sending the circle to the removed node.
    public func removeMember(_ circle: String, nodeID: String) async throws -> CircleDetailResource {
        try await send(.DELETE, "/v1/circles/\(circle.pathEscaped)/members/\(nodeID.pathEscaped)", body: Optional<EditRequest>.none)
    }

    public func leaveCircle(_ circle: String) async throws -> CircleResource {
        try await send(.POST, "/v1/circles/\(circle.pathEscaped)/leave", body: Optional<EditRequest>.none)
    }

    public func circleAudit(_ circle: String) async throws -> [CircleDeliveryResource] {
        try await get("/v1/circles/\(circle.pathEscaped)/audit")
    }

    public func move(_ record: String, to circle: String) async throws -> MoveResult {
        try await send(.POST, "/v1/move", body: MoveRequest(record: record, to: circle))
    }

    public func digest(circle: String) async throws -> DigestResource { try await get("/v1/digest" + query(["circle": circle])) }

    public func contacts(circle: String?, tag: String? = nil, country: String? = nil, organization: String? = nil, deleted: Bool = false)
        async throws -> [ContactResource]
    {
        try await get(
            "/v1/contacts"
                + query(["tag": tag, "country": country, "org": organization, "deleted": deleted ? "true" : nil, "circle": circle]))
    }

    public func notes(
        circle: String?, conflict: String? = nil, participant: String? = nil, since: String? = nil, tag: String? = nil, deleted: Bool = false
    ) async throws -> [NoteResource] {
        try await get(
            "/v1/notes"
                + query([
                    "conflict": conflict, "participant": participant, "since": since, "tag": tag, "deleted": deleted ? "true" : nil,
                    "circle": circle,
                ]))
    }

    public func searchPage(_ text: String, limit: Int = 50, circle: String?) async throws -> SearchPageResource {
        try await get("/v1/search" + query(["q": text, "limit": String(limit), "total": "1", "circle": circle]))
    }
}
