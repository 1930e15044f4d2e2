import Foundation

/// A unique marker planted in one field of a record, so a test can prove the value is (or is no longer)
/// anywhere in a node's files. Lower-case letters and digits only: the full-text index folds case and
/// splits words at anything else, and its terms must be found too.
public struct Canary: Hashable, Sendable, CustomStringConvertible {
    /// What the test writes into the field.
    public let value: String
    /// What the files are searched for: the random tail, unique to this canary. FTS5 stores a term after
    /// the prefix it shares with the term before it, so a search for the whole value could miss a copy;
    /// every canary's label differs from the others' early, so no neighbour shares its tail.
    public let needle: String

    /// `cnry` + `label` + 16 random hex digits (`suffix` follows, outside the needle: `@example.org`).
    public init(_ label: String, suffix: String = "", using random: inout some RandomNumberGenerator) {
        let tail = (0..<16).map { _ in String(Int.random(in: 0..<16, using: &random), radix: 16) }.joined()
        value = "cnry\(label)\(tail)\(suffix)"
        needle = tail
    }

    /// A phone number: digits only (a phone field takes no letters), `+` and 15 random digits, the
    /// needle being the last 12.
    public static func phone(using random: inout some RandomNumberGenerator) -> Canary {
        let digits = "\(Int.random(in: 1...9, using: &random))" + (0..<14).map { _ in "\(Int.random(in: 0...9, using: &random))" }.joined()
        return Canary(value: "+" + digits, needle: String(digits.suffix(12)))
    }

    private init(value: String, needle: String) {
        self.value = value
        self.needle = needle
    }

    public var description: String { value }

    /// The regular files under `directory` (a node's home: its database, WAL and shared-memory index and
    /// anything beside them) that hold this canary.
    public func files(under directory: String) throws -> [String] {
        try ByteSearch.files(under: directory, containing: Array(needle.utf8))
    }
}
