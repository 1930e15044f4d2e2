#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A character encoding a value's bytes are decoded in: UTF-8, windows-1252 and ISO-8859-1 here, any
/// other through the C library's iconv (Shift_JIS, GB2312, ISO-8859-2, KOI8-R, …).
struct TextCharset: Hashable, Sendable {
    enum Decoder: Hashable, Sendable { case utf8, windows1252, latin1, iconv(String) }

    let decoder: Decoder
    /// The name reports use.
    let name: String

    static let utf8 = TextCharset(decoder: .utf8, name: "UTF-8")
    static let windows1252 = TextCharset(decoder: .windows1252, name: "windows-1252")

    init(decoder: Decoder, name: String) {
        self.decoder = decoder
        self.name = name
    }

    /// The charset a name (a vCard `CHARSET=`, `--charset`) means; nil if this system cannot decode it.
    init?(name: String) {
        let key = name.lowercased().filter { $0 != "-" && $0 != "_" }
        switch key {
        case "utf8": self = .utf8
        case "windows1252", "cp1252", "ansi", "xwindows1252": self = .windows1252
        case "iso88591", "latin1", "l1", "usascii", "ascii", "cp819":
            self.init(decoder: .latin1, name: key.hasSuffix("ascii") ? "US-ASCII" : "ISO-8859-1")
        default:
            guard Self.iconvKnows(name) else { return nil }
            self.init(decoder: .iconv(name), name: name)
        }
    }

    /// The text the bytes are in this charset; nil if they are not.
    func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        switch decoder {
        case .utf8: Self.decodeUTF8(bytes)
        case .windows1252: String(String.UnicodeScalarView(bytes.map(Windows1252.scalar)))
        case .latin1: String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case .iconv(let name): Self.iconvDecode(bytes, from: name)
        }
    }

    static func decodeUTF8(_ bytes: ArraySlice<UInt8>) -> String? { String(validating: bytes, as: UTF8.self) }

    private static func iconvKnows(_ name: String) -> Bool {
        let descriptor = iconv_open("UTF-8", name)
        guard Int(bitPattern: descriptor) != -1 else { return false }
        iconv_close(descriptor)
        return true
    }

    private static func iconvDecode(_ bytes: ArraySlice<UInt8>, from name: String) -> String? {
        let descriptor = iconv_open("UTF-8", name)
        guard Int(bitPattern: descriptor) != -1 else { return nil }
        defer { iconv_close(descriptor) }
        var input = Array(bytes)
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress)?
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress)?
                    .assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                if inLeft > 0, iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft) == -1 { return nil }
                if iconv(descriptor, nil, nil, &outPointer, &outLeft) == -1 { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let produced else { return nil }
        return decodeUTF8(output[..<produced])
    }
}
