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

    /// The operation at `index` of the change held at (`log`, `seq`), and whether its value was erased;
    /// nil if no such change is held.
    mutating func operation(log: [UInt8], seq: Int64, index: Int64) throws -> (operation: SidingCore.Operation, erased: Bool)? {
        let slot = ChangeSlot(log: log, seq: seq)
        if decoded[slot] == nil {
            let bytes = try connection.statement("SELECT bytes FROM changes WHERE origin_key = ? AND seq = ?")
                .bind(.blob(log), .integer(seq)).rows { $0.blob(0) }.first
            decoded[slot] = try bytes.map { try Change(decoding: $0) }
        }
        guard let change = decoded[slot] ?? nil, let index = Int(exactly: index), change.operations.indices.contains(index) else { return nil }
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
