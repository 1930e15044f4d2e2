/// One field of a record kind, declared once in its kind's schema (`ContactSchema`, `NoteSchema`):
/// validation, limits, the local API's JSON, the CLI's field names and views and the search index are
/// derived from it. Local input is held to it; remote changes are not (a newer partner may know more
/// fields), only to `ChangeLimits`.
public struct FieldSpec: Hashable, Sendable {
    /// What a value must look like; `EditValidation` checks and normalises it.
    public enum Shape: Hashable, Sendable { case text, multilineText, countryCode, date, email, phone, tag, contactID }

    /// Whether the field is a multi-value register (`FIELD=VALUE`) or an add-wins set (`FIELD+=ELEMENT`).
    public enum Storage: Hashable, Sendable { case register, set }

    /// The name changes, API requests and `siding … set FIELD=VALUE` use.
    public let name: String
    /// The field's key in the local API's resources and in `--json` output (a stable contract).
    public let jsonKey: String
    public let storage: Storage
    /// The longest value (or set element) accepted from local input, in UTF-8 bytes.
    public let maxBytes: Int
    public let shape: Shape
    /// Shorter names the CLI accepts for the field (`org` for `organization`).
    public let aliases: [String]
    /// Whether full-text search indexes the field (not for IDs and dates).
    public let isSearched: Bool

    public init(
        _ name: String, json jsonKey: String, _ storage: Storage = .register, maxBytes: Int, shape: Shape = .text,
        aliases: [String] = [], searched isSearched: Bool = true
    ) {
        self.name = name
        self.jsonKey = jsonKey
        self.storage = storage
        self.maxBytes = maxBytes
        self.shape = shape
        self.aliases = aliases
        self.isSearched = isSearched
    }

    public var isSet: Bool { storage == .set }
}
