/// An erased record: all that remains of it is its ID, who erased it and when (`siding contact erase`,
/// `list --erased`, `show` of an erased record under the key `erased`, a circle's audit). Never a value.
public struct ErasureResource: Codable, Hashable, Sendable {
    public var id: String
    /// `contact` or `note`.
    public var kind: String
    /// The node whose erasure order erased it.
    public var erasedBy: String
    /// That node's name, as in `HistoryItem.nodeName` (nil: neither a partner nor this node).
    public var erasedByName: String?
    /// The wall-clock part of the order's hybrid logical clock, ISO 8601 UTC.
    public var erasedAt: String
    public var hlc: String

    enum CodingKeys: String, CodingKey {
        case id, kind, erasedBy = "erased_by", erasedByName = "erased_by_name", erasedAt = "erased_at", hlc
    }

    public init(id: String, kind: String, erasedBy: String, erasedByName: String?, erasedAt: String, hlc: String) {
        self.id = id; self.kind = kind; self.erasedBy = erasedBy; self.erasedByName = erasedByName
        self.erasedAt = erasedAt; self.hlc = hlc
    }
}

extension LocalAPIClient {
    /// Erases a contact or note on every node that holds it (`POST /v1/contacts|notes/ID/erase`).
    public func erase(_ kind: Kind, id: String) async throws -> ErasureResource {
        try await send(.POST, "/v1/\(kind.rawValue)/\(id.pathEscaped)/erase", body: Optional<EditRequest>.none)
    }

    /// The erased contacts or notes, most recently erased first (`GET /v1/erasures?kind=contacts|notes`).
    public func erasures(_ kind: Kind) async throws -> [ErasureResource] {
        try await get("/v1/erasures" + query(["kind": kind.rawValue]))
    }

    /// The erasures of a circle's records (`GET /v1/circles/CIRCLE/erasures`).
    public func circleErasures(_ circle: String) async throws -> [ErasureResource] {
        try await get("/v1/circles/\(circle.pathEscaped)/erasures")
    }
}
