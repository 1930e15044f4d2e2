import Foundation
import SidingCore

/// Reads Siding's own lossless format: one JSON object per line, with `id` and every field under its
/// JSON key as `siding contact show --json` prints it (`deleted`, `conflicts` and `names` may be present
/// and are ignored). A push parser: feed it chunks of any size, then `finish`. Notes travel in the same
/// record type as contacts (`InterchangeContact` holds fields by name, whatever the kind).
public struct JSONLinesReader: Sendable {
    /// A line longer than this is refused rather than buffered without end: a note's body (at most
    /// 200,000 bytes) fits many times over, escaped.
    public static let maxLineBytes = 4 << 20

    public let kind: EntityKind
    private var pending: [UInt8] = []
    private var line = 0

    public init(kind: EntityKind) { self.kind = kind }

    public var formatDescription: String { "JSON Lines" }
    public var charsetDescription: String { "UTF-8" }

    public mutating func read(_ chunk: ArraySlice<UInt8>) throws(JSONLinesError) -> [InterchangeItem] {
        var items: [InterchangeItem] = []
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
            pending.append(contentsOf: chunk[start..<newline])
            start = newline + 1
            if let item = try completeLine() { items.append(item) }
        }
        pending.append(contentsOf: chunk[start...])
        guard pending.count <= Self.maxLineBytes else { throw .lineTooLong(line: line + 1, limit: Self.maxLineBytes) }
        return items
    }

    public mutating func finish() throws(JSONLinesError) -> [InterchangeItem] {
        guard !pending.isEmpty else { return [] }
        return try completeLine().map { [$0] } ?? []
    }

    private mutating func completeLine() throws(JSONLinesError) -> InterchangeItem? {
        line += 1
        defer { pending.removeAll(keepingCapacity: true) }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        if line == 1, pending.starts(with: [0xEF, 0xBB, 0xBF]) { pending.removeFirst(3) }
        guard let text = String(validating: pending, as: UTF8.self) else { throw .notUTF8(line: line) }
        guard text.contains(where: { !$0.isWhitespace }) else { return nil }
        return Self.record(text, line: line, kind: kind)
    }

    /// One line's object as a record, or why it is not one.
    static func record(_ text: String, line: Int, kind: EntityKind) -> InterchangeItem {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                return .unreadable(position: line, reason: "line \(line) is not a JSON object")
            }
            object = parsed
        } catch {
            return .unreadable(position: line, reason: "line \(line) is not valid JSON")
        }
        var record = InterchangeContact(position: line)
        if let id = object["id"] {
            guard let id = id as? String else { return .unreadable(position: line, reason: "\"id\" must be a string") }
            record.sidingID = id
        }
        var known: Set<String> = ["id", "deleted", "conflicts", "names"]
        for field in Schema.fields(of: kind) {
            known.insert(field.jsonKey)
            guard let value = object[field.jsonKey], !(value is NSNull) else { continue }
            if field.isSet {
                guard let elements = value as? [Any], let strings = elements as? [String] else {
                    return .unreadable(position: line, reason: "\"\(field.jsonKey)\" must be a list of strings")
                }
                if !strings.isEmpty { record.sets[field.name] = strings }
            } else {
                guard let string = value as? String else { return .unreadable(position: line, reason: "\"\(field.jsonKey)\" must be a string") }
                if !string.isEmpty { record.fields[field.name] = string }
            }
        }
        for key in object.keys.sorted() where !known.contains(key) {
            record.notices.append("\"\(key)\" is not a \(kind) field; left out")
        }
        return .contact(record)
    }
}

/// Why a JSON Lines file is refused whole.
public enum JSONLinesError: Error, Hashable, Sendable, CustomStringConvertible {
    case notUTF8(line: Int)
    case lineTooLong(line: Int, limit: Int)

    public var description: String {
        switch self {
        case .notUTF8(let line): "line \(line) is not valid UTF-8; JSON Lines files are UTF-8 (convert it with iconv)"
        case .lineTooLong(let line, let limit): "line \(line) is longer than \(limit) bytes; is this a JSON Lines file?"
        }
    }
}
