/// `POST /v1/merge`: merges each of `others` into `keep` (IDs, ID prefixes or names of contacts).
public struct MergeRequest: Codable, Hashable, Sendable {
    public var keep: String
    public var others: [String]

    public init(keep: String, others: [String]) {
        self.keep = keep
        self.others = others
    }
}

/// What a merge did (`siding contact merge --json`): the record kept, the records merged into it, how
/// many e-mails, phones and tags it gained, which empty fields it took from them, and the notes that
/// now list it instead.
public struct MergeResult: Codable, Hashable, Sendable {
    public var keep: String
    public var merged: [String]
    public var emails: Int
    public var phones: Int
    public var tags: Int
    public var fields: [String]
    public var notes: [String]

    public init(keep: String, merged: [String], emails: Int, phones: Int, tags: Int, fields: [String], notes: [String]) {
        self.keep = keep; self.merged = merged; self.emails = emails; self.phones = phones; self.tags = tags
        self.fields = fields; self.notes = notes
    }
}

/// One group of likely duplicate contacts (`GET /v1/duplicates`, `siding contact duplicates --json`):
/// their IDs and names in the same order, and why they were grouped. A group whose reason is
/// `DuplicateGroup.mergedIntoEachOther` holds deleted records that were merged into each other on
/// different nodes (see `siding contact duplicates`).
public struct DuplicateGroup: Codable, Hashable, Sendable {
    public var ids: [String]
    public var names: [String]
    public var reasons: [String]

    public static let mergedIntoEachOther = "merged into each other (all deleted)"

    public init(ids: [String], names: [String], reasons: [String]) {
        self.ids = ids; self.names = names; self.reasons = reasons
    }
}
