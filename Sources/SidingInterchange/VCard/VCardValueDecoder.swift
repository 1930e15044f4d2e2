/// Turns a property's value bytes into text: quoted-printable undone, then decoded in the charset the
/// property names (`CHARSET=`), else the file's. A vCard 2.1 value that is not UTF-8 and names no
/// charset is decoded as windows-1252, 2.1's documented fallback; anything else undecodable refuses
/// the file, naming the line.
struct VCardValueDecoder {
    /// The charset values are in unless they say otherwise.
    let fileCharset: TextCharset
    /// The name errors give the file's charset (UTF-16 files arrive as UTF-8 but are not "UTF-8" to the user).
    let fileCharsetName: String
    /// Whether the 2.1 fallback may apply: not when the user gave `--charset`.
    let mayFallBack: Bool
    /// Set once the fallback decoded a value, for the report.
    private(set) var usedFallback = false

    init(fileCharset: TextCharset, fileCharsetName: String, mayFallBack: Bool) {
        self.fileCharset = fileCharset
        self.fileCharsetName = fileCharsetName
        self.mayFallBack = mayFallBack
    }

    /// Whether the value is binary (base64): never text in a field.
    static func isBinary(_ property: VCardProperty) -> Bool {
        property.values(of: "ENCODING").contains { $0 == "b" || $0 == "base64" }
    }

    mutating func text(of property: VCardProperty, version21: Bool) throws(InterchangeError) -> String {
        let isQuotedPrintable = property.values(of: "ENCODING").contains("quoted-printable")
        let bytes = isQuotedPrintable ? QuotedPrintable.decode(property.value)[...] : property.value
        if let named = property.parameter("CHARSET"), let charset = TextCharset(name: named) {
            guard let text = charset.decode(bytes) else { throw .undecodable(line: property.line, charset: charset.name) }
            return text
        }
        if let text = fileCharset.decode(bytes) { return text }
        if version21, mayFallBack, let text = TextCharset.windows1252.decode(bytes) {
            usedFallback = true
            return text
        }
        throw .undecodable(line: property.line, charset: fileCharsetName)
    }
}
