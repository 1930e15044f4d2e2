/// One surviving value of a multi-value register, with who wrote it and when.
public struct RegisterValue: Hashable, Sendable {
    public let value: String
    public let dot: Dot
    public let hlc: HLC

    public init(value: String, dot: Dot, hlc: HLC) {
        self.value = value
        self.dot = dot
        self.hlc = hlc
    }

    /// The deterministic winner order: highest (hlc, origin), then the later operation.
    public static func winsOver(_ lhs: RegisterValue, _ rhs: RegisterValue) -> Bool {
        (lhs.hlc, lhs.dot.origin, lhs.dot.seq, lhs.dot.index) > (rhs.hlc, rhs.dot.origin, rhs.dot.seq, rhs.dot.index)
    }
}

/// The merged state of one entity: every register's surviving values (winner first) and every set's
/// members with the live additions that keep them there.
public struct EntityState: Hashable, Sendable {
    public static let deletedField = "deleted"
    public static let deletedValue = "true"
    /// What a restore writes to the tombstone register: any value but `deletedValue` means not deleted.
    public static let restoredValue = "false"

    public let id: EntityID
    public var registers: [String: [RegisterValue]]
    public var sets: [String: [String: Set<Dot>]]

    public init(id: EntityID, registers: [String: [RegisterValue]] = [:], sets: [String: [String: Set<Dot>]] = [:]) {
        self.id = id
        self.registers = registers
        self.sets = sets
    }

    /// The value shown for a register: the deterministic winner among its surviving values.
    public func value(_ field: String) -> String? { registers[field]?.first?.value }

    public func members(_ field: String) -> [String] { (sets[field] ?? [:]).keys.sorted() }

    /// Deleted while any surviving value of the tombstone register says so: a concurrent edit never
    /// silently brings an entity back.
    public var isDeleted: Bool { registers[Self.deletedField]?.contains { $0.value == Self.deletedValue } ?? false }

    /// Registers holding more than one surviving value.
    public var conflictedFields: [String] { registers.filter { $0.value.count > 1 }.keys.sorted() }
}
