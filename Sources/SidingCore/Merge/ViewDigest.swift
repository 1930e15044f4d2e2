import Crypto

/// A stable fingerprint of a node's merged view and of its version vector: two nodes in step have
/// equal digests, whatever order their changes arrived in. Admins compare them (`siding digest`), and
/// the convergence tests do too.
public struct ViewDigest: Hashable, Sendable {
    /// SHA-256 over every entity's registers (surviving values with their dots and clocks) and sets
    /// (members with their live additions), in a canonical order.
    public let view: [UInt8]
    /// SHA-256 over the (origin, highest contiguous seq) pairs, sorted by origin.
    public let vector: [UInt8]
    public let entities: Int
    public let origins: Int
    public let changes: UInt64

    public init(view: [EntityID: EntityState], vector: VersionVector) {
        var viewHash = SHA256()
        for id in view.keys.sorted() {
            guard let state = view[id] else { continue }
            var writer = ByteWriter()
            writer.string(id.description)
            writer.varint(state.registers.count)
            for field in state.registers.keys.sorted() {
                let values = (state.registers[field] ?? []).sorted { RegisterValue.winsOver($0, $1) }
                writer.string(field)
                writer.varint(values.count)
                for value in values {
                    writer.string(value.value)
                    Self.write(value.dot, to: &writer)
                    writer.varint(value.hlc.rawValue)
                }
            }
            writer.varint(state.sets.count)
            for field in state.sets.keys.sorted() {
                let members = state.sets[field] ?? [:]
                writer.string(field)
                writer.varint(members.count)
                for member in members.keys.sorted() {
                    writer.string(member)
                    let dots = (members[member] ?? []).sorted()
                    writer.varint(dots.count)
                    for dot in dots { Self.write(dot, to: &writer) }
                }
            }
            viewHash.update(data: writer.bytes)
        }
        var vectorHash = SHA256()
        for (origin, seq) in vector.entries.sorted(by: { $0.key < $1.key }) {
            var writer = ByteWriter()
            writer.raw(origin.bytes)
            writer.varint(seq)
            vectorHash.update(data: writer.bytes)
        }
        self.view = Array(viewHash.finalize())
        self.vector = Array(vectorHash.finalize())
        entities = view.count
        origins = vector.entries.count
        changes = vector.entries.values.reduce(0, +)
    }

    private static func write(_ dot: Dot, to writer: inout ByteWriter) {
        writer.raw(dot.origin.bytes)
        writer.varint(dot.seq)
        writer.varint(dot.index)
    }

    /// Lower-case hex, as printed by `siding digest`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }
}
