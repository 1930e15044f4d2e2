/// Appends the primitives of Siding's canonical binary encoding (LEB128 varints, raw bytes, strings).
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 128) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func byte(_ value: UInt8) { bytes.append(value) }

    public mutating func raw<C: Collection>(_ value: C) where C.Element == UInt8 { bytes.append(contentsOf: value) }

    public mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    public mutating func varint(_ value: Int) { varint(UInt64(value)) }

    /// A length-prefixed UTF-8 string.
    public mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        varint(utf8.count)
        raw(utf8)
    }

    /// A length-prefixed byte string.
    public mutating func blob(_ value: [UInt8]) {
        varint(value.count)
        raw(value)
    }
}
