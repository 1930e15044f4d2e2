/// A few words of a matched text around its matches, made from FTS5's `highlight()` of the column.
/// FTS5's own `snippet()` scores every match against every other match: over a 150 KB note holding
/// the searched words thousands of times it ran for seconds to minutes inside one SQLite call, where
/// no progress handler or interrupt can stop it. `highlight()` walks the text once, and so does this.
enum SearchSnippet {
    /// What `highlight()` is asked to put around each matched token.
    static let open: Unicode.Scalar = "\u{2}"
    static let close: Unicode.Scalar = "\u{3}"
    /// Tokens shown, as FTS5's `snippet()` was asked for.
    static let length = 12

    private struct Token {
        var start: Int
        var end: Int
        var matched: Bool
    }

    /// The passage of `highlighted` (an indexed text with `open`/`close` around matches) with the most
    /// different matched words in `length` tokens, as shown text on one line, with `…` where text was
    /// left out; nil if nothing in it matched.
    static func make(highlighted: String) -> String? {
        var text: [Unicode.Scalar] = []
        var tokens: [Token] = []
        var inMatch = false
        var inToken = false
        text.reserveCapacity(highlighted.unicodeScalars.count)
        for scalar in highlighted.unicodeScalars {
            switch scalar {
            case open: inMatch = true; inToken = false
            case close: inMatch = false; inToken = false
            case SearchText.separator: inToken = false
            default:
                let cjk = SearchText.isCJK(scalar)
                if cjk || scalar.properties.isAlphabetic || scalar.properties.numericType != nil || isMark(scalar) {
                    if inToken && !cjk, let last = tokens.indices.last {
                        tokens[last].end = text.count + 1
                    } else {
                        tokens.append(Token(start: text.count, end: text.count + 1, matched: inMatch))
                    }
                    inToken = !cjk
                } else {
                    inToken = false
                }
                text.append(scalar)
            }
        }
        guard let window = bestWindow(tokens, in: text) else { return nil }
        let first = tokens[window.lowerBound], last = tokens[window.upperBound - 1]
        var passage = oneLine(text[first.start..<last.end])
        if text[..<first.start].contains(where: { !$0.properties.isWhitespace }) { passage = "…" + passage }
        if text[last.end...].contains(where: { !$0.properties.isWhitespace }) { passage += "…" }
        return passage
    }

    /// The `length` tokens holding the most different matched words (the earliest such), begun a
    /// little before their first match so that it is read in context.
    private static func bestWindow(_ tokens: [Token], in text: [Unicode.Scalar]) -> Range<Int>? {
        guard tokens.contains(where: \.matched) else { return nil }
        func word(_ token: Token) -> String { String(String.UnicodeScalarView(text[token.start..<token.end])).lowercased() }
        var counts: [String: Int] = [:]
        var best = (start: 0, distinct: -1)
        for index in tokens.indices {
            if tokens[index].matched { counts[word(tokens[index]), default: 0] += 1 }
            let start = index - length + 1
            if start > 0, tokens[start - 1].matched {
                let leaving = word(tokens[start - 1])
                counts[leaving, default: 1] -= 1
                if counts[leaving] == 0 { counts[leaving] = nil }
            }
            if counts.count > best.distinct { best = (max(0, start), counts.count) }
        }
        let firstMatch = tokens[best.start...].firstIndex(where: \.matched) ?? best.start
        let start = max(0, min(firstMatch - 2, tokens.count - length))
        return start..<min(tokens.count, start + length)
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    /// Line breaks and runs of spaces as one space: a passage is shown on one line of a table.
    private static func oneLine(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in scalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(scalar)
            }
        }
        return String(result)
    }
}
