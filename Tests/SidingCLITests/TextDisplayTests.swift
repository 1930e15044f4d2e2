import Foundation
import Testing

@testable import SidingCLI

@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("Li Wei", 6), ("李伟", 4), ("김민준", 6), ("ｶﾀｶﾅ", 4), ("カタカナ", 8), ("👍", 2), ("👍🏽", 2), ("🇨🇳", 2), ("👨‍👩‍👧", 2),
        ("❤️", 2), ("❤", 1), ("e\u{301}", 1), ("नमस्ते", 4), ("\u{200F}سلام", 4), ("\u{200B}", 0), ("Ｗ", 2), ("", 0),
    ])
    func widthCountsTerminalColumns(_ text: String, _ columns: Int) {
        #expect(DisplayWidth.of(text) == columns, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test func truncationCutsByColumnsNotCharacters() {
        #expect(DisplayWidth.truncate("水资源问题", to: 6) == "水资…")
        #expect(DisplayWidth.of(DisplayWidth.truncate("水资源问题", to: 6)) == 5)
        #expect(DisplayWidth.truncate("abcdef", to: 4) == "abc…")
        #expect(DisplayWidth.truncate("abc", to: 4) == "abc")
    }

    @Test func tableColumnsLineUpWithWideCharacters() {
        var table = Table("NAME", "O")
        table.add("李伟", "A")
        table.add("Ana", "B")
        table.add("👍🏽x", "C")
        let lines = table.render().split(separator: "\n").map(String.init)
        let columns = lines.map { line in DisplayWidth.of(String(line.dropLast())) }
        #expect(Set(columns).count == 1, "\(lines)")
    }
}

@Suite struct TerminalTextTests {
    @Test func rightToLeftMarksAreTextWhileOverridesAndControlsAreEscaped() {
        #expect(TerminalText.escape("\u{200F}שלום\u{200E}\u{061C}") == "\u{200F}שלום\u{200E}\u{061C}")
        #expect(TerminalText.escape("a\u{202E}b\u{2067}c\u{1B}[2J") == "a\\u{202e}b\\u{2067}c\\u{1b}[2J")
        #expect(TerminalText.escape("one\r\ntwo", keepNewlines: true) == "one\ntwo")
        #expect(TerminalText.escape("one\r\ntwo") == "one\\ntwo")
        #expect(TerminalText.escape("lone\rcarriage") == "lone\\u{d}carriage")
    }
}

@Suite struct LineDiffTests {
    @Test func aChangedLineIsRemovedAndAdded() {
        let diff = LineDiff.diff("a\nb\nc", "a\nB\nc")
        #expect(diff == [.same("a"), .removed("b"), .added("B"), .same("c")])
    }

    @Test func insertionsAndDeletionsKeepTheCommonLines() {
        let diff = LineDiff.diff("1\n2\n3\n4\n5", "1\n3\n4\nnew\n5")
        #expect(diff == [.same("1"), .removed("2"), .same("3"), .same("4"), .added("new"), .same("5")])
        #expect(LineDiff.diff("same", "same") == [.same("same")])
        #expect(LineDiff.diff("", "x") == [.removed(""), .added("x")])
        #expect(LineDiff.diff("a\r\nb", "a\nb") == [.same("a"), .same("b")])
    }

    @Test func renderingKeepsContextAndCountsTheRest() {
        let old = (1...20).map { "line \($0)" }
        var new = old
        new[9] = "changed"
        let rendered = LineDiff.render(LineDiff.diff(old.joined(separator: "\n"), new.joined(separator: "\n")))
        #expect(
            rendered == [
                "  … 7 unchanged lines", "  line 8", "  line 9", "- line 10", "+ changed", "  line 11", "  line 12", "  … 8 unchanged lines",
            ])
        #expect(LineDiff.render(LineDiff.diff("x", "x")).isEmpty)
    }

    @Test func aHugeDiffStaysBoundedAndCorrectInItsEnds() {
        let old = (0..<5_000).map { "old \($0)" }.joined(separator: "\n")
        let new = (0..<5_000).map { "new \($0)" }.joined(separator: "\n")
        let start = ContinuousClock.now
        let diff = LineDiff.diff("head\n" + old + "\ntail", "head\n" + new + "\ntail")
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(diff.first == .same("head") && diff.last == .same("tail"))
        #expect(diff.count == 10_002)
    }
}

@Suite struct LocalTimeTests {
    @Test func utcTimesAreShownInTheGivenZone() throws {
        let kolkata = try #require(TimeZone(identifier: "Asia/Kolkata"))
        #expect(LocalTime.format("2026-10-02T12:03:05.123Z", in: kolkata) == "2026-10-02 17:33:05 +05:30")
        #expect(LocalTime.format("2026-10-02T12:03:05Z", in: try #require(TimeZone(identifier: "UTC"))) == "2026-10-02 12:03:05 +00:00")
        #expect(LocalTime.format("never", in: kolkata) == "never")
    }
}
