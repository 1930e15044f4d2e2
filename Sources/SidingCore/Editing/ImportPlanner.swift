import Crypto

/// What an import does with a record that matches a record already held.
public enum DuplicatePolicy: String, CaseIterable, Codable, Hashable, Sendable {
    /// Leave the held record as it is (the default).
    case skip
    /// Imported values overwrite the held ones; sets are unioned.
    case update
    /// Only fields the held record leaves empty are written; sets are unioned.
    case fill
    /// Always create a new record, matched or not.
    case new
}

/// What became of one imported record. Every record of a file ends in exactly one of these.
public enum ImportOutcome: String, CaseIterable, Codable, Hashable, Sendable {
    case created, updated, unchanged, skipped, failed
}

/// An imported record made ready to write: validated and normalised like a local edit, perhaps shortened.
public struct PreparedImport: Hashable, Sendable {
    /// The record's non-empty register values and set elements, as one edit.
    public var edit: Edit
    /// What `--truncate` shortened ("bio shortened from 9,000 to 8,000 characters"), for the report.
    public var shortened: [String]
}

/// The pure part of an import: a file's record held to the schema, and the edit it makes on a record
/// already held under each duplicate policy. Matching records (by ID, source key or e-mail) needs the
/// store and is done by the caller.
public enum ImportPlanner {
    /// Holds a record to the schema as a new record of `kind`. Values a file leaves empty are not
    /// statements (a CSV's empty column never clears a field), so they are left out. With `truncate`,
    /// free text over its limit is shortened (by characters as `FieldSpec` counts them) instead of
    /// failing the record; values of a shape (e-mails, phones, codes) are never cut.
    public static func prepare(
        writes: [String: String], additions: [String: [String]], kind: EntityKind, truncate: Bool
    ) throws(EditError) -> PreparedImport {
        var shortened: [String] = []
        var edit = Edit()
        for (field, raw) in writes {
            let spec = Schema.field(field, of: kind)
            let value = spec?.shape == .multilineText ? raw : raw.trimmingWhitespace
            guard !value.isEmpty else { continue }
            if truncate, let spec, let cut = shortenedText(value, spec) {
                edit.writes[field] = cut.value
                shortened.append(cut.note)
            } else {
                edit.writes[field] = value
            }
        }
        for (field, elements) in additions {
            var seen = Set<String>()
            let kept = elements.map(\.trimmingWhitespace).filter { !$0.isEmpty && seen.insert($0).inserted }
            if !kept.isEmpty { edit.additions[field] = kept }
        }
        return PreparedImport(edit: try EditValidation.validate(edit, kind: kind, creating: true), shortened: shortened)
    }

    /// The edit importing `prepared` makes on `current` under `policy` (for `.skip`, what `.update`
    /// would make: if it changes nothing the record is unchanged rather than skipped).
    public static func edit(_ prepared: Edit, onto current: EntityState, policy: DuplicatePolicy) -> Edit {
        guard policy == .fill else { return prepared }
        var edit = prepared
        edit.writes = prepared.writes.filter { field, _ in (current.registers[field] ?? []).allSatisfy { $0.value.isEmpty } }
        return edit
    }

    /// The key that finds a record without a source key again (a CSV row): its content, hashed, so
    /// importing the same file twice matches each row instead of creating it twice.
    public static func contentKey(writes: [String: String], additions: [String: [String]]) -> String {
        var writer = ByteWriter()
        writer.varint(writes.count)
        for field in writes.keys.sorted() {
            writer.string(field)
            writer.string(writes[field] ?? "")
        }
        writer.varint(additions.count)
        for field in additions.keys.sorted() {
            let elements = (additions[field] ?? []).sorted()
            writer.string(field)
            writer.varint(elements.count)
            for element in elements { writer.string(element) }
        }
        return "sha256:" + SHA256.hash(data: writer.bytes).map { byte in String(byte, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// `value` cut to the field's limit, and what was cut; nil when it fits or its shape must not be cut.
    static func shortenedText(_ value: String, _ spec: FieldSpec) -> (value: String, note: String)? {
        guard spec.shape == .text || spec.shape == .multilineText else { return nil }
        let bytes = value.utf8.count
        switch spec.maxLength {
        case .characters(let limit):
            let count = value.count
            guard count > limit || bytes > spec.maxBytes else { return nil }
            let cut = prefix(of: value, characters: limit, bytes: spec.maxBytes)
            let note =
                count > limit
                ? "\(spec.name) shortened from \(FieldSpec.grouped(count)) to \(FieldSpec.grouped(cut.count)) characters (--truncate)"
                : "\(spec.name) shortened from \(FieldSpec.grouped(bytes)) to \(FieldSpec.grouped(cut.utf8.count)) bytes (--truncate)"
            return (cut, note)
        case .bytes:
            guard bytes > spec.maxBytes else { return nil }
            let cut = prefix(of: value, characters: Int.max, bytes: spec.maxBytes)
            return (cut, "\(spec.name) shortened from \(FieldSpec.grouped(bytes)) to \(FieldSpec.grouped(cut.utf8.count)) bytes (--truncate)")
        }
    }

    /// The longest run of whole characters from the start within both limits.
    private static func prefix(of value: String, characters: Int, bytes: Int) -> String {
        var end = value.startIndex
        var count = 0
        var used = 0
        for character in value {
            let size = character.utf8.count
            guard count < characters, used + size <= bytes else { break }
            count += 1
            used += size
            end = value.index(after: end)
        }
        return String(value[..<end])
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
