import SidingCore

/// A batch of records for `POST /v1/contacts/import` or `/v1/notes/import`: each becomes its own
/// change (or is matched with a held record), all committed together by the node's group-commit writer.
public struct ImportRequest: Codable, Hashable, Sendable {
    /// Decide every outcome and write nothing.
    public var dryRun: Bool
    public var onDuplicate: DuplicatePolicy
    /// Also match contacts by e-mail (after Siding ID and source key).
    public var matchEmail: Bool
    /// Shorten free text over its limit instead of failing the record.
    public var truncate: Bool
    public var records: [ImportRecord]

    enum CodingKeys: String, CodingKey {
        case dryRun = "dry_run", onDuplicate = "on_duplicate", matchEmail = "match_email", truncate, records
    }

    public init(dryRun: Bool = false, onDuplicate: DuplicatePolicy = .skip, matchEmail: Bool = false, truncate: Bool = false, records: [ImportRecord])
    {
        self.dryRun = dryRun
        self.onDuplicate = onDuplicate
        self.matchEmail = matchEmail
        self.truncate = truncate
        self.records = records
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            dryRun: try container.decodeIfPresent(Bool.self, forKey: .dryRun) ?? false,
            onDuplicate: try container.decodeIfPresent(DuplicatePolicy.self, forKey: .onDuplicate) ?? .skip,
            matchEmail: try container.decodeIfPresent(Bool.self, forKey: .matchEmail) ?? false,
            truncate: try container.decodeIfPresent(Bool.self, forKey: .truncate) ?? false,
            records: try container.decode([ImportRecord].self, forKey: .records))
    }
}

/// One record of an imported file, in Siding's field names.
public struct ImportRecord: Codable, Hashable, Sendable {
    /// Its line or card number in the file, echoed in the outcome.
    public var position: Int
    /// Its Siding ID, when the file is a Siding export.
    public var id: String?
    /// Its stable key in the file's software (a vCard UID) or a hash of its content: remembered, so
    /// importing it again matches.
    public var sourceKey: String?
    public var set: [String: String]
    public var add: [String: [String]]

    enum CodingKeys: String, CodingKey {
        case position, id, sourceKey = "source_key", set, add
    }

    public init(position: Int, id: String? = nil, sourceKey: String? = nil, set: [String: String], add: [String: [String]] = [:]) {
        self.position = position
        self.id = id
        self.sourceKey = sourceKey
        self.set = set
        self.add = add
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            position: try container.decode(Int.self, forKey: .position), id: try container.decodeIfPresent(String.self, forKey: .id),
            sourceKey: try container.decodeIfPresent(String.self, forKey: .sourceKey),
            set: try container.decodeIfPresent([String: String].self, forKey: .set) ?? [:],
            add: try container.decodeIfPresent([String: [String]].self, forKey: .add) ?? [:])
    }
}

/// What became of each record of an import batch, in the batch's order.
public struct ImportResponse: Codable, Hashable, Sendable {
    public var items: [ImportItem]

    public init(items: [ImportItem]) { self.items = items }
}

/// One record's outcome, as the import report lists it.
public struct ImportItem: Codable, Hashable, Sendable {
    public var position: Int
    public var outcome: ImportOutcome
    /// The record created or matched (nil: none, or a record a dry run would create).
    public var id: String?
    public var name: String
    /// Why it was skipped or failed, or what `--truncate` shortened (nil: nothing to say).
    public var reason: String?
    /// What the file's reader left out or could not map.
    public var notices: [String]

    public init(position: Int, outcome: ImportOutcome, id: String?, name: String, reason: String?, notices: [String] = []) {
        self.position = position
        self.outcome = outcome
        self.id = id
        self.name = name
        self.reason = reason
        self.notices = notices
    }

    enum CodingKeys: String, CodingKey { case position, outcome, id, name, reason, notices }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            position: try container.decode(Int.self, forKey: .position), outcome: try container.decode(ImportOutcome.self, forKey: .outcome),
            id: try container.decodeIfPresent(String.self, forKey: .id), name: try container.decodeIfPresent(String.self, forKey: .name) ?? "",
            reason: try container.decodeIfPresent(String.self, forKey: .reason),
            notices: try container.decodeIfPresent([String].self, forKey: .notices) ?? [])
    }

    /// `id` and `reason` are written as null when absent, so every item has every key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(position, forKey: .position)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(reason, forKey: .reason)
        try container.encode(notices, forKey: .notices)
    }
}

extension LocalAPIClient {
    /// Imports one batch of records (`POST /v1/contacts/import`, `/v1/notes/import`).
    public func importRecords(_ kind: Kind, _ request: ImportRequest) async throws -> ImportResponse {
        try await send(.POST, "/v1/\(kind.rawValue)/import", body: request)
    }
}

extension LocalAPIClient {
    /// Live contacts matching the list filters with an ID after `after`, in ID order, at most `size`
    /// (`GET /v1/contacts?page_size=&after=`): how an export reads a large node.
    public func contactsPage(tag: String? = nil, country: String? = nil, organization: String? = nil, after: String?, size: Int)
        async throws -> [ContactResource]
    {
        try await get(
            "/v1/contacts" + query(["tag": tag, "country": country, "org": organization, "after": after, "page_size": String(size)]))
    }

    /// Live notes with an ID after `after`, in ID order, at most `size` (`GET /v1/notes?page_size=&after=`).
    public func notesPage(after: String?, size: Int) async throws -> [NoteResource] {
        try await get("/v1/notes" + query(["after": after, "page_size": String(size)]))
    }
}
