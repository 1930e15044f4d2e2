/// Reads Siding's canonical binary encoding strictly: every read is bounds-checked, varints must be
/// minimal and strings valid UTF-8, so one value has exactly one encoding (signatures depend on it).
public struct ByteReader: Sendable {
    private let bytes: [UInt8]
    public private(set) var offset: Int
    private let end: Int

    public init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        let range = range ?? bytes.startIndex..<bytes.endIndex
        offset = range.lowerBound
        end = range.upperBound
    }

    public var remaining: Int { end - offset }
    public var isAtEnd: Bool { offset == end }

    public mutating func byte() throws(DecodingError) -> UInt8 {
        guard offset < end else { throw .truncated(at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func raw(_ count: Int) throws(DecodingError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw .truncated(at: offset) }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    public mutating func varint() throws(DecodingError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            if shift == 63 && next > 1 { throw .malformed("varint overflows 64 bits at byte \(start)") }
            result |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 {
                if next == 0 && shift > 0 { throw .malformed("non-minimal varint at byte \(start)") }
                return result
            }
            shift += 7
        }
    }

    /// A varint that must fit `limit`; used for counts and lengths so nothing is allocated from a lie.
    public mutating func count(max limit: Int, _ what: String) throws(DecodingError) -> Int {
        let value = try varint()
        guard value <= UInt64(limit) else { throw .limitExceeded("\(what) \(value) exceeds \(limit)") }
        return Int(value)
    }

    public mutating func string(maxBytes: Int, _ what: String) throws(DecodingError) -> String {
        let length = try count(max: maxBytes, "\(what) length")
        let utf8 = try raw(length)
        guard let text = String(validating: utf8, as: UTF8.self) else { throw .invalidUTF8(what) }
        return text
    }

    public mutating func blob(maxBytes: Int, _ what: String) throws(DecodingError) -> [UInt8] {
        try raw(count(max: maxBytes, "\(what) length"))
    }
}

/// Why bytes could not be decoded; never a crash, always one of these.
public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(at: Int)
    case malformed(String)
    case limitExceeded(String)
    case invalidUTF8(String)
    case unsupportedFormat(UInt8)

    public var description: String {
        switch self {
        case .truncated(let at): "input ends early at byte \(at)"
        case .malformed(let why): "malformed: \(why)"
        case .limitExceeded(let why): "limit exceeded: \(why)"
        case .invalidUTF8(let what): "\(what) is not valid UTF-8"
        case .unsupportedFormat(let version): "unsupported change format \(version)"
        }
    }
}
