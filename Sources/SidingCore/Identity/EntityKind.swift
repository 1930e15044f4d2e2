/// What an entity is. Kinds this version does not know are kept and relayed, never dropped.
public struct EntityKind: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let contact = EntityKind(rawValue: 1)
    public static let note = EntityKind(rawValue: 2)
    /// A circle's own entity: its name and, in the owner's log, its control actions.
    public static let circle = EntityKind(rawValue: 3)

    /// The prefix of this kind's entity IDs: `c` for contacts, `n` for notes, `k<number>` otherwise.
    public var prefix: String {
        switch self {
        case .contact: "c"
        case .note: "n"
        case .circle: "x"
        default: "k\(rawValue)"
        }
    }

    public init?(prefix: String) {
        switch prefix {
        case "c": self = .contact
        case "n": self = .note
        case "x": self = .circle
        default:
            guard prefix.hasPrefix("k"), let value = UInt64(prefix.dropFirst()) else { return nil }
            self.init(rawValue: value)
        }
    }

    public var description: String {
        switch self {
        case .contact: "contact"
        case .note: "note"
        case .circle: "circle"
        default: "kind \(rawValue)"
        }
    }

    public static func < (lhs: EntityKind, rhs: EntityKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
