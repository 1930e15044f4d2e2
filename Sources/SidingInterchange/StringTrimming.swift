extension StringProtocol {
    /// Without leading and trailing Unicode whitespace (line breaks included). Most values have none,
    /// and then nothing is copied but the string itself: this runs on every value read.
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return "" }
        if !first.isWhitespaceFast, !last.isWhitespaceFast { return String(self) }
        guard let start = scalars.firstIndex(where: { !$0.isWhitespaceFast }),
            let end = scalars.lastIndex(where: { !$0.isWhitespaceFast })
        else { return "" }
        return String(self[start...end])
    }
}

extension Unicode.Scalar {
    /// `properties.isWhitespace`, without the table lookup for ASCII.
    var isWhitespaceFast: Bool {
        value < 0x80 ? (value == 0x20 || (0x09...0x0D).contains(value)) : properties.isWhitespace
    }
}
