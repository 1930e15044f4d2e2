/// A line diff of two texts, for showing how two conflicting values of a note's body differ.
/// Lines common to both ends are matched directly; the rest by longest common subsequence, which is
/// exact up to `maxCells` compared line pairs and otherwise shows the middle as replaced whole.
enum LineDiff {
    enum Line: Equatable {
        case same(String)
        case removed(String)
        case added(String)
    }

    /// Bounds the LCS table (4M cells of Int32: 16 MB) so a diff of two huge bodies stays quick.
    static let maxCells = 4_000_000

    /// Lines ending in LF or CRLF (one `Character` in Swift, so splitting on "\n" alone misses it).
    static func lines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
    }

    /// The edit from `old` to `new`, line by line.
    static func diff(_ old: String, _ new: String) -> [Line] {
        let a = lines(old)
        let b = lines(new)
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let middleA = Array(a[prefix..<(a.count - suffix)])
        let middleB = Array(b[prefix..<(b.count - suffix)])
        return a[..<prefix].map(Line.same) + middle(middleA, middleB) + a[(a.count - suffix)...].map(Line.same)
    }

    private static func middle(_ a: [String], _ b: [String]) -> [Line] {
        guard !a.isEmpty, !b.isEmpty, a.count * b.count <= maxCells else { return a.map(Line.removed) + b.map(Line.added) }
        // lengths[i * width + j]: the LCS length of a[i...] and b[j...].
        let width = b.count + 1
        var lengths = [Int32](repeating: 0, count: (a.count + 1) * width)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i * width + j] =
                    a[i] == b[j] ? lengths[(i + 1) * width + j + 1] + 1 : max(lengths[(i + 1) * width + j], lengths[i * width + j + 1])
            }
        }
        var result: [Line] = []
        var i = 0
        var j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                result.append(.same(a[i]))
                i += 1
                j += 1
            } else if lengths[(i + 1) * width + j] >= lengths[i * width + j + 1] {
                result.append(.removed(a[i]))
                i += 1
            } else {
                result.append(.added(b[j]))
                j += 1
            }
        }
        return result + a[i...].map(Line.removed) + b[j...].map(Line.added)
    }

    /// `-`/`+` lines with `context` unchanged lines around each change; longer unchanged runs become
    /// `  … N unchanged lines`. Empty when the texts are equal.
    static func render(_ lines: [Line], context: Int = 2) -> [String] {
        let changed = lines.indices.filter { if case .same = lines[$0] { false } else { true } }
        guard !changed.isEmpty else { return [] }
        var keep = Set<Int>()
        for index in changed { keep.formUnion(max(0, index - context)...min(lines.count - 1, index + context)) }
        var output: [String] = []
        var skipped = 0
        for (index, line) in lines.enumerated() {
            guard keep.contains(index) else {
                skipped += 1
                continue
            }
            if skipped > 0 { output.append("  … \(skipped) unchanged line\(skipped == 1 ? "" : "s")") }
            skipped = 0
            switch line {
            case .same(let text): output.append("  " + text)
            case .removed(let text): output.append("- " + text)
            case .added(let text): output.append("+ " + text)
            }
        }
        if skipped > 0 { output.append("  … \(skipped) unchanged line\(skipped == 1 ? "" : "s")") }
        return output
    }
}
