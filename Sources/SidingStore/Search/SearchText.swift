/// The text the search index holds for a shown text, and back. FTS5's `unicode61` tokenizer keeps a
/// run of Chinese, Japanese or Korean characters as one token, so `水资源` inside a sentence was never
/// found, and it splits Arabic words at their vowel marks, so `محمد` did not find `مُحَمَّد`. The index
/// therefore holds each CJK character as a token of its own (a word typed in a search becomes a phrase
/// of its characters, which matches exactly where those characters stand side by side, however short)
/// and Arabic words without their vowel marks. Latin, Cyrillic, Greek and Devanagari text is left to
/// `unicode61` (case and Latin diacritics folded).
enum SearchText {
    /// Between CJK characters in the index. A control character: `unicode61` splits tokens at it, it
    /// costs one byte, and a text a person typed does not hold it, so taking it out again is exact.
    static let separator: Unicode.Scalar = "\u{1F}"

    /// `text` as the index holds it.
    static func indexed(_ text: String) -> String {
        // Most text has neither: it is indexed as it is, without a pass over its Unicode properties
        // (that pass was a sixth of the writer's time when a partner caught up).
        guard text.unicodeScalars.contains(where: { isCJK($0) || isArabicVowelMark($0) }) else { return text }
        var result = String.UnicodeScalarView()
        var previousIsWordCharacter = false
        var previousIsCJK = false
        for scalar in text.unicodeScalars {
            if isArabicVowelMark(scalar) { continue }
            let cjk = isCJK(scalar)
            let wordCharacter = cjk || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            // A boundary wherever a CJK character meets another word character, so each is a token.
            if wordCharacter && previousIsWordCharacter && (cjk || previousIsCJK) { result.append(separator) }
            result.append(scalar)
            previousIsWordCharacter = wordCharacter
            previousIsCJK = cjk
        }
        return String(result)
    }

    /// The index's text as it was shown: the separators taken out.
    static func shown(_ indexed: some StringProtocol) -> String {
        var result = String.UnicodeScalarView()
        for scalar in indexed.unicodeScalars where scalar != separator { result.append(scalar) }
        return String(result)
    }

    /// How many tokens `text` makes: a CJK character counts as one, like a word elsewhere.
    static func tokenCount(_ text: some StringProtocol) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            if isCJK(scalar) {
                count += 1
                inWord = false
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if !inWord { count += 1 }
                inWord = true
            } else {
                inWord = false
            }
        }
        return count
    }

    /// Han ideographs, kana and Hangul: scripts written without spaces between words (Korean has
    /// spaces, but a search for `서울` is expected to find `서울에서`).
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F: true  // hiragana, katakana, half-width katakana
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F: true  // Han
        case 0x1100...0x11FF, 0x3130...0x318F, 0xA960...0xA97F, 0xAC00...0xD7FF: true  // Hangul
        default: false
        }
    }

    /// Arabic harakat, tanwin, shadda, sukun and the superscript alef: optional marks most text omits.
    static func isArabicVowelMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x064B...0x065F, 0x0670: true
        default: false
        }
    }
}
