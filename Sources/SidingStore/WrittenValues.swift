import SidingCore

/// The values of write operations that the merged view does not show, read from the signed changes that
/// carry them. Since schema 16 the operation log keeps no copy of a written value: the change holds it,
/// and `field_winners` holds each register's winner. Only history, conflicts and re-merges that lose
/// their winner ask for the others.
struct WrittenValues {
    private let connection: SQLiteConnection
    private var decoded: [ChangeSlot: Change?] = [:]

    private struct ChangeSlot: Hashable {
        let log: [UInt8]
        let seq: Int64
    }

    init(_ connection: SQLiteConnection) { self.connection = connection }

    /// The change held at (`log`, `seq`), decoded once per reader; nil if none is held.
    mutating func change(log: [UInt8], seq: Int64) throws -> Change? {
        let slot = ChangeSlot(log: log, seq: seq)
        if let known = decoded[slot] { return known }
        let change = try connection.heldChange(log: log, seq: seq).map { try Change(decoding: $0) }
        decoded[slot] = change
        return change
    }

    /// The operation at `index` of the change held at (`log`, `seq`), and whether its value was erased;
    /// nil if no such change is held.
    mutating func operation(log: [UInt8], seq: Int64, index: Int64) throws -> (operation: SidingCore.Operation, erased: Bool)? {
        guard let change = try change(log: log, seq: seq), let index = Int(exactly: index), change.operations.indices.contains(index) else {
            return nil
        }
        return (change.operations[index], change.erasedOperations.contains(index))
    }

    /// What the operation at `index` of the change held at (`log`, `seq`) wrote: nil if it was erased,
    /// is not a write, or no such change is held.
    mutating func value(log: [UInt8], seq: Int64, index: Int64) throws -> String? {
        guard let (operation, erased) = try operation(log: log, seq: seq, index: index), !erased,
            case .write(let value, _) = operation.action
        else { return nil }
        return value
    }

    /// The value of a live write that must have one (the winner of its register, a value in conflict).
    mutating func required(log: [UInt8], seq: Int64, index: Int64) throws -> String {
        guard let value = try value(log: log, seq: seq, index: index) else {
            throw StoreError.damaged(path: connection.path, reason: "a live write's change is not held (seq \(seq), operation \(index))")
        }
        return value
    }
}

extension SQLiteConnection {
    /// The bytes of the change in force at (`log`, `seq`), if one is held.
    func heldChange(log: [UInt8], seq: Int64) throws -> [UInt8]? {
        try statement("SELECT bytes FROM changes WHERE origin_key = ? AND seq = ?").bind(.blob(log), .integer(seq)).rows { $0.blob(0) }.first
    }
}
