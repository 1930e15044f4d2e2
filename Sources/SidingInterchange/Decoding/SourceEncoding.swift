/// How a file's bytes are turned into text: what the first bytes (or `--charset`) say.
struct SourceEncoding: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// UTF-8, or the charset each vCard property names; bytes are decoded value by value.
        case utf8
        /// UTF-16, transcoded to UTF-8 as it streams.
        case utf16(littleEndian: Bool)
        /// A named charset (`--charset`), each record decoded in it.
        case named(TextCharset)
    }

    var kind: Kind
    /// How many leading bytes are a byte-order mark, to skip.
    var byteOrderMarkLength: Int
    var description: String

    /// From `--charset NAME` when given, else from a byte-order mark, else from the pattern of NUL
    /// bytes that UTF-16 text in Latin scripts has, else UTF-8.
    static func detect(charset: String?, firstBytes: ArraySlice<UInt8>) throws(InterchangeError) -> SourceEncoding {
        let bytes = Array(firstBytes.prefix(4096))
        if let charset { return try named(charset, firstBytes: bytes) }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return SourceEncoding(kind: .utf8, byteOrderMarkLength: 3, description: "UTF-8 with byte-order mark")
        }
        if bytes.starts(with: [0xFF, 0xFE]) {
            return SourceEncoding(kind: .utf16(littleEndian: true), byteOrderMarkLength: 2, description: "UTF-16LE with byte-order mark")
        }
        if bytes.starts(with: [0xFE, 0xFF]) {
            return SourceEncoding(kind: .utf16(littleEndian: false), byteOrderMarkLength: 2, description: "UTF-16BE with byte-order mark")
        }
        if let littleEndian = utf16ByNULPattern(bytes) {
            let name = littleEndian ? "UTF-16LE" : "UTF-16BE"
            return SourceEncoding(kind: .utf16(littleEndian: littleEndian), byteOrderMarkLength: 0, description: "\(name) (no byte-order mark)")
        }
        return SourceEncoding(kind: .utf8, byteOrderMarkLength: 0, description: "UTF-8")
    }

    private static func named(_ name: String, firstBytes bytes: [UInt8]) throws(InterchangeError) -> SourceEncoding {
        let key = name.lowercased().filter { $0 != "-" && $0 != "_" }
        let hasUTF8Mark = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        switch key {
        case "utf8":
            return SourceEncoding(kind: .utf8, byteOrderMarkLength: hasUTF8Mark ? 3 : 0, description: "UTF-8 (--charset)")
        case "utf16", "utf16le", "utf16be", "ucs2":
            let marked: Bool? =
                bytes.starts(with: [0xFF, 0xFE]) ? true : bytes.starts(with: [0xFE, 0xFF]) ? false : nil
            let littleEndian = key == "utf16le" || (key != "utf16be" && (marked ?? utf16ByNULPattern(bytes) ?? true))
            let markLength = marked == littleEndian ? 2 : 0
            return SourceEncoding(
                kind: .utf16(littleEndian: littleEndian), byteOrderMarkLength: markLength,
                description: "\(littleEndian ? "UTF-16LE" : "UTF-16BE") (--charset)")
        default:
            guard let charset = TextCharset(name: name) else { throw .unknownCharset(name) }
            return SourceEncoding(kind: .named(charset), byteOrderMarkLength: 0, description: "\(charset.name) (--charset)")
        }
    }

    /// UTF-16 without a byte-order mark shows as a NUL in every other byte for ASCII text: little-endian
    /// puts it second, big-endian first. Needs most pairs to agree, so a stray NUL in UTF-8 is not UTF-16.
    static func utf16ByNULPattern(_ bytes: [UInt8]) -> Bool? {
        let pairs = bytes.count / 2
        guard pairs >= 2 else { return nil }
        var nulSecond = 0
        var nulFirst = 0
        for index in 0..<pairs {
            if bytes[2 * index + 1] == 0, bytes[2 * index] != 0 { nulSecond += 1 }
            if bytes[2 * index] == 0, bytes[2 * index + 1] != 0 { nulFirst += 1 }
        }
        if nulSecond * 2 >= pairs, nulFirst == 0 { return true }
        if nulFirst * 2 >= pairs, nulSecond == 0 { return false }
        return nil
    }
}
