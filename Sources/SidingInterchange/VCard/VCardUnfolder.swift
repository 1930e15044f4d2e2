/// One vCard content line after unfolding: a property's bytes, and the line it starts on.
struct ContentLine: Hashable, Sendable {
    var line: Int
    var bytes: [UInt8]
}

/// Joins a vCard's physical lines into content lines: a line starting with a space or tab continues
/// the one before (RFC 6350 §3.2, also inside parameters and numbers); a quoted-printable value ending
/// in `=` continues on the next line whatever it starts with (vCard 2.1 soft breaks, which may drop
/// the space); a 2.1 base64 value continues on unindented lines until a blank line. Lines that are
/// no property at all (`# comment`) are dropped.
struct VCardUnfolder {
    private var pending: ContentLine?
    private var pendingIsQuotedPrintable = false
    private var pendingIsBase64 = false
    private var softBreak = false

    mutating func unfold(_ line: PhysicalLine) -> [ContentLine] {
        let bytes = line.bytes
        if pending != nil, softBreak {
            append(bytes[...])
            return []
        }
        if pending != nil, let first = bytes.first, first == 0x20 || first == 0x09 {
            append(bytes.dropFirst())
            return []
        }
        if pending != nil, pendingIsBase64, !bytes.isEmpty, !Self.looksLikeProperty(bytes) {
            append(bytes[...])
            return []
        }
        let done = flush()
        if Self.looksLikeProperty(bytes) { start(ContentLine(line: line.number, bytes: bytes)) }
        return done
    }

    mutating func finish() -> [ContentLine] { flush() }

    private mutating func start(_ line: ContentLine) {
        pending = line
        let head = line.bytes[..<VCardProperty.nameEnd(line.bytes)]
        pendingIsQuotedPrintable = Self.contains(head, "QUOTED-PRINTABLE")
        pendingIsBase64 = Self.contains(head, "BASE64") || Self.contains(head + Array(";".utf8), "ENCODING=B;")
        softBreak = false
        checkSoftBreak()
    }

    private mutating func append(_ bytes: ArraySlice<UInt8>) {
        pending?.bytes.append(contentsOf: bytes)
        checkSoftBreak()
    }

    private mutating func checkSoftBreak() {
        guard pendingIsQuotedPrintable, let bytes = pending?.bytes else { return }
        softBreak = bytes.last == UInt8(ascii: "=") && VCardProperty.nameEnd(bytes) < bytes.count
        if softBreak { pending?.bytes.removeLast() }
    }

    private mutating func flush() -> [ContentLine] {
        defer {
            pending = nil
            softBreak = false
        }
        return pending.map { [$0] } ?? []
    }

    /// Whether `bytes` hold `needle` (upper-case ASCII), ignoring ASCII case; on bytes, as this runs for every line.
    private static func contains(_ bytes: some Collection<UInt8>, _ needle: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        let haystack = Array(bytes)
        guard haystack.count >= pattern.count else { return false }
        for start in 0...(haystack.count - pattern.count) {
            var matches = true
            for offset in 0..<pattern.count {
                let byte = haystack[start + offset]
                let upper = (0x61...0x7A).contains(byte) ? byte - 0x20 : byte
                if upper != pattern[offset] {
                    matches = false
                    break
                }
            }
            if matches { return true }
        }
        return false
    }

    /// A property line starts with a name (letters, digits, `-`, an optional `group.`) and then `:` or `;`.
    static func looksLikeProperty(_ bytes: [UInt8]) -> Bool {
        var sawName = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                sawName = true
            case UInt8(ascii: ":"), UInt8(ascii: ";"): return sawName
            default: return false
            }
        }
        return false
    }
}
