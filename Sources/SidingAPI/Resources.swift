/// JSON shapes of the local API. Additive only: scripts depend on these keys.

/// Creates an entity: register values and initial set members.
public struct CreateRequest: Codable, Hashable, Sendable {
    public var set: [String: String]
    public var add: [String: [String]]
    /// The circle the new record goes into (a name, label or ID; `network`); nil: `[sharing] default_circle`.
    public var circle: String?

    public init(set: [String: String], add: [String: [String]] = [:], circle: String? = nil) {
        self.set = set
        self.add = add
        self.circle = circle
    }

    /// A key left out means nothing of that kind: `{"set": {"name": "Li Wei"}}` is a whole request.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            set: try container.decodeIfPresent([String: String].self, forKey: .set) ?? [:],
            add: try container.decodeIfPresent([String: [String]].self, forKey: .add) ?? [:],
            circle: try container.decodeIfPresent(String.self, forKey: .circle))
    }
}

/// Edits an entity in one change: register writes, set additions and removals.
public struct EditRequest: Codable, Hashable, Sendable {
    public var set: [String: String]
    public var add: [String: [String]]
    public var remove: [String: [String]]

    public init(set: [String: String] = [:], add: [String: [String]] = [:], remove: [String: [String]] = [:]) {
        self.set = set
        self.add = add
        self.remove = remove
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            set: try container.decodeIfPresent([String: String].self, forKey: .set) ?? [:],
            add: try container.decodeIfPresent([String: [String]].self, forKey: .add) ?? [:],
            remove: try container.decodeIfPresent([String: [String]].self, forKey: .remove) ?? [:])
    }
}

/// What a write did: the entity it touched and whether a change was recorded (false: nothing differed).
public struct WriteResult: Codable, Hashable, Sendable {
    public var id: String
    public var changed: Bool
    /// Where a new record went (absent for edits).
    public var placement: CirclePlacement?

    public init(id: String, changed: Bool, placement: CirclePlacement? = nil) {
        self.id = id
        self.changed = changed
        self.placement = placement
    }
}

public struct NodeInfo: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    public var listen: String
    public var version: String

    public init(id: String, name: String, listen: String, version: String) {
        self.id = id; self.name = name; self.listen = listen; self.version = version
    }
}

public struct SearchResult: Codable, Hashable, Sendable {
    public var id: String
    public var kind: String
    public var title: String
    public var snippet: String

    public init(id: String, kind: String, title: String, snippet: String) {
        self.id = id; self.kind = kind; self.title = title; self.snippet = snippet
    }
}

/// A page of search results, best match first, and how many records matched in all
/// (`GET /v1/search?q=&limit=&total=1`; without `total` the answer is the bare list of results).
public struct SearchPageResource: Codable, Hashable, Sendable {
    public var results: [SearchResult]
    public var total: Int

    public init(results: [SearchResult], total: Int) {
        self.results = results; self.total = total
    }
}

/// One operation in an entity's history.
public struct HistoryItem: Codable, Hashable, Sendable {
    /// Wall-clock part of the writer's hybrid logical clock, ISO 8601 UTC.
    public var time: String
    public var hlc: String
    public var node: String
    public var seq: UInt64
    public var field: String
    public var action: String
    public var value: String?
    public var current: Bool
    /// The writing node's name: the partner's name in this node's partner list, or this node's own (nil: neither).
    public var nodeName: String?
    /// When `value` is a record's ID (a participant), that record's name or title.
    public var valueName: String?

    enum CodingKeys: String, CodingKey {
        case time, hlc, node, seq, field, action, value, current, nodeName = "node_name", valueName = "value_name"
    }

    public init(
        time: String, hlc: String, node: String, seq: UInt64, field: String, action: String, value: String?, current: Bool,
        nodeName: String? = nil, valueName: String? = nil
    ) {
        self.time = time; self.hlc = hlc; self.node = node; self.seq = seq; self.field = field
        self.action = action; self.value = value; self.current = current
        self.nodeName = nodeName; self.valueName = valueName
    }
}

/// A field with concurrent values; `values[0]` is the one shown.
public struct ConflictItem: Codable, Hashable, Sendable {
    public struct Value: Codable, Hashable, Sendable {
        public var value: String
        public var node: String
        public var time: String
        public var hlc: String
        /// The writing node's name, as in `HistoryItem.nodeName`.
        public var nodeName: String?

        enum CodingKeys: String, CodingKey {
            case value, node, time, hlc, nodeName = "node_name"
        }

        public init(value: String, node: String, time: String, hlc: String, nodeName: String? = nil) {
            self.value = value; self.node = node; self.time = time; self.hlc = hlc; self.nodeName = nodeName
        }
    }

    public var id: String
    public var kind: String
    public var field: String
    public var values: [Value]
    /// The record's name or title ("" when it has none).
    public var title: String?

    public init(id: String, kind: String, field: String, values: [Value], title: String? = nil) {
        self.id = id; self.kind = kind; self.field = field; self.values = values; self.title = title
    }
}

/// A fingerprint of the node's merged view and version vector (`siding digest`): equal on two nodes
/// exactly when they hold the same changes and show the same view.
public struct DigestResource: Codable, Hashable, Sendable {
    public var viewDigest: String
    public var vectorDigest: String
    public var entities: Int
    public var origins: Int
    public var changes: UInt64

    enum CodingKeys: String, CodingKey {
        case viewDigest = "view_digest", vectorDigest = "vector_digest", entities, origins, changes
    }

    public init(viewDigest: String, vectorDigest: String, entities: Int, origins: Int, changes: UInt64) {
        self.viewDigest = viewDigest; self.vectorDigest = vectorDigest
        self.entities = entities; self.origins = origins; self.changes = changes
    }
}

/// The body of every 4xx/5xx response.
public struct ErrorBody: Codable, Hashable, Sendable {
    public var error: ErrorDetail

    public struct ErrorDetail: Codable, Hashable, Sendable {
        public var code: String
        public var message: String
    }

    public init(code: String, message: String) { error = ErrorDetail(code: code, message: message) }
}
