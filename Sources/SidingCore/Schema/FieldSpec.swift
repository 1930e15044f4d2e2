/// One field of a record kind, declared once in its kind's schema (`ContactSchema`, `NoteSchema`):
/// validation, limits, the local API's JSON, the CLI's field names and views and the search index are
/// derived from it. Local input is held to it; remote changes are not (a newer partner may know more
/// fields), only to `ChangeLimits`.
public struct FieldSpec: Hashable, Sendable {
    /// What a value must look like; `EditValidation` checks and normalises it.
    public enum Shape: Hashable, Sendable { case text, multilineText, countryCode, date, email, phone, tag, contactID }

    /// Whether the field is a multi-value register (`FIELD=VALUE`) or an add-wins set (`FIELD+=ELEMENT`).
    public enum Storage: Hashable, Sendable { case register, set }

    /// How long a value (or set element) from local input may be.
    public enum Length: Hashable, Sendable {
        /// Characters as a person counts them: extended grapheme clusters, so `é`, `水`, `👍🏽` and
        /// `नि` are one each, however many code points or bytes they take.
        case characters(Int)
        /// UTF-8 bytes: for long texts (a note's body), whose size is what matters.
        case bytes(Int)
    }

    /// The name changes, API requests and `siding … set FIELD=VALUE` use.
    public let name: String
    /// The field's key in the local API's resources and in `--json` output (a stable contract).
    public let jsonKey: String
    public let storage: Storage
    /// The documented limit, checked on local input.
    public let maxLength: Length
    public let shape: Shape
    /// Shorter names the CLI accepts for the field (`org` for `organization`).
    public let aliases: [String]
    /// Whether full-text search indexes the field (not for IDs and dates).
    public let isSearched: Bool
    /// Whether set elements that differ only in case are one element (`Water` and `water` are one tag).
    public let ignoresCase: Bool

    public init(
        _ name: String, json jsonKey: String, _ storage: Storage = .register, max maxLength: Length, shape: Shape = .text,
        aliases: [String] = [], searched isSearched: Bool = true, ignoresCase: Bool = false
    ) {
        self.name = name
        self.jsonKey = jsonKey
        self.storage = storage
        self.maxLength = maxLength
        self.shape = shape
        self.aliases = aliases
        self.isSearched = isSearched
        self.ignoresCase = ignoresCase
    }

    public var isSet: Bool { storage == .set }

    /// Bytes per character allowed on top of a character limit: every character of any script fits
    /// (Devanagari and emoji clusters take several code points), while one "character" of thousands
    /// of combining marks does not.
    public static let bytesPerCharacter = 16

    /// The most UTF-8 bytes a value may take, whatever its characters; never above `ChangeLimits.maxValueBytes`.
    public var maxBytes: Int {
        switch maxLength {
        case .characters(let count): min(count * Self.bytesPerCharacter, ChangeLimits.maxValueBytes)
        case .bytes(let count): min(count, ChangeLimits.maxValueBytes)
        }
    }

    /// The limit as help texts and README give it: "up to 200 characters", "up to 200,000 bytes".
    public var limitDescription: String {
        switch maxLength {
        case .characters(let count): "up to \(Self.grouped(count)) characters"
        case .bytes(let count): "up to \(Self.grouped(count)) bytes of UTF-8"
        }
    }

    /// What two set elements are compared by: one spelling per element, or per case-insensitive element.
    public func elementKey(_ element: String) -> String { ignoresCase ? element.lowercased() : element }

    static func grouped(_ number: Int) -> String {
        var digits = String(number)
        var index = digits.endIndex
        while digits.distance(from: digits.startIndex, to: index) > 3 {
            index = digits.index(index, offsetBy: -3)
            digits.insert(",", at: index)
        }
        return digits
    }
}
