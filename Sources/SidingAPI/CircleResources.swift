/// Which circle a record belongs to, as `show`, `list` and `--json` carry it (key `circle`): the
/// string `"network"` for the network (no circle), else `{"id": "x_…", "name": "…"}`.
public enum CircleRef: Codable, Hashable, Sendable {
    case network
    case circle(id: String, name: String)

    public static let networkName = "network"

    /// What a person reads: `network`, or the circle's name.
    public var displayName: String {
        switch self {
        case .network: Self.networkName
        case .circle(_, let name): name
        }
    }

    private enum Keys: String, CodingKey { case id, name }

    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            guard text == Self.networkName else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a circle is \"network\" or an object"))
            }
            self = .network
            return
        }
        let container = try decoder.container(keyedBy: Keys.self)
        self = .circle(id: try container.decode(String.self, forKey: .id), name: try container.decode(String.self, forKey: .name))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .network:
            var container = encoder.singleValueContainer()
            try container.encode(Self.networkName)
        case .circle(let id, let name):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
        }
    }
}

/// A circle this node is in, as `siding circle list` shows it.
public struct CircleResource: Codable, Hashable, Sendable {
    public var id: String
    /// The local label if it has one (e.g. `partners`), else the name its owner gave it.
    public var name: String
    /// The name its owner gave it, which every member sees.
    public var sharedName: String
    public var owner: String
    public var ownerName: String?
    public var members: Int
    public var records: Int
    /// `owner` or `member`: this node's role.
    public var role: String
    /// Whether it is this node's `partners` circle (its members are exactly its partners).
    public var partners: Bool

    enum CodingKeys: String, CodingKey {
        case id, name, sharedName = "shared_name", owner, ownerName = "owner_name", members, records, role, partners
    }

    public init(
        id: String, name: String, sharedName: String, owner: String, ownerName: String?, members: Int, records: Int, role: String,
        partners: Bool
    ) {
        self.id = id; self.name = name; self.sharedName = sharedName; self.owner = owner; self.ownerName = ownerName
        self.members = members; self.records = records; self.role = role; self.partners = partners
    }
}

/// One member of a circle, as `siding circle show` lists it.
public struct CircleMemberResource: Codable, Hashable, Sendable {
    public var nodeID: String
    /// The partner's name from this node's partner list (or this node's own name); nil if unknown.
    public var name: String?
    public var isOwner: Bool
    public var isThisNode: Bool
    /// Whether this node syncs with it directly; if not, it is reached only through other members.
    public var isPartner: Bool

    enum CodingKeys: String, CodingKey {
        case nodeID = "node_id", name, isOwner = "owner", isThisNode = "this_node", isPartner = "partner"
    }

    public init(nodeID: String, name: String?, isOwner: Bool, isThisNode: Bool, isPartner: Bool) {
        self.nodeID = nodeID; self.name = name; self.isOwner = isOwner; self.isThisNode = isThisNode; self.isPartner = isPartner
    }
}

/// `siding circle show`: the circle and each member.
public struct CircleDetailResource: Codable, Hashable, Sendable {
    public var circle: CircleResource
    public var memberList: [CircleMemberResource]

    enum CodingKeys: String, CodingKey { case circle, memberList = "member_list" }

    public init(circle: CircleResource, memberList: [CircleMemberResource]) {
        self.circle = circle
        self.memberList = memberList
    }
}

/// `POST /v1/circles`.
public struct CircleCreateRequest: Codable, Hashable, Sendable {
    public var name: String
    public var members: [String]

    public init(name: String, members: [String]) {
        self.name = name
        self.members = members
    }
}

/// `POST /v1/circles/X/members`.
public struct CircleMemberRequest: Codable, Hashable, Sendable {
    public var nodeID: String

    enum CodingKeys: String, CodingKey { case nodeID = "node_id" }

    public init(nodeID: String) { self.nodeID = nodeID }
}

/// One part of a circle sent to a partner (`siding circle audit`).
public struct CircleDeliveryResource: Codable, Hashable, Sendable {
    public var peer: String
    public var peerName: String?
    /// The author of the log sent, and which admission of it (0: the owner's log).
    public var author: String?
    public var authorName: String?
    public var epoch: UInt64?
    public var firstSeq: UInt64
    public var lastSeq: UInt64
    public var sentAt: String

    enum CodingKeys: String, CodingKey {
        case peer, peerName = "peer_name", author, authorName = "author_name", epoch, firstSeq = "first_seq", lastSeq = "last_seq"
        case sentAt = "sent_at"
    }

    public init(
        peer: String, peerName: String?, author: String?, authorName: String?, epoch: UInt64?, firstSeq: UInt64, lastSeq: UInt64,
        sentAt: String
    ) {
        self.peer = peer; self.peerName = peerName; self.author = author; self.authorName = authorName; self.epoch = epoch
        self.firstSeq = firstSeq; self.lastSeq = lastSeq; self.sentAt = sentAt
    }
}

/// Where a new record went, for the line the CLI prints after `add` and `move`.
public struct CirclePlacement: Codable, Hashable, Sendable {
    public var circle: CircleRef
    public var members: Int
    /// Whether it is this node's `partners` circle.
    public var partners: Bool

    public init(circle: CircleRef, members: Int, partners: Bool) {
        self.circle = circle
        self.members = members
        self.partners = partners
    }

    /// `added to circle "Frontier dialogue" (3 members)`, `… "partners" (your 2 partners)` or `… the network (…)`.
    public func sentence(_ verb: String) -> String {
        switch circle {
        case .network: "\(verb) the network (every partner and their partners)"
        case .circle(_, let name) where partners:
            "\(verb) circle \"\(name)\" (your \(members - 1) partner\(members - 1 == 1 ? "" : "s"))"
        case .circle(_, let name): "\(verb) circle \"\(name)\" (\(members) member\(members == 1 ? "" : "s"))"
        }
    }
}

/// `POST /v1/move`.
public struct MoveRequest: Codable, Hashable, Sendable {
    public var record: String
    public var to: String

    public init(record: String, to: String) {
        self.record = record
        self.to = to
    }
}

/// What `siding move` did: the new record, in its circle; the old one is deleted.
public struct MoveResult: Codable, Hashable, Sendable {
    public var id: String
    public var old: String
    public var placement: CirclePlacement

    public init(id: String, old: String, placement: CirclePlacement) {
        self.id = id
        self.old = old
        self.placement = placement
    }
}
