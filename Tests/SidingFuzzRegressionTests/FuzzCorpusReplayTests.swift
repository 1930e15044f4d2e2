import Foundation
import SidingFuzzTargets
import Testing

/// Replays every committed fuzz input (Tests/FuzzCorpus/<target>/) through its target in a normal
/// build: the seeds, and every input that once crashed, committed as `regression-<what>` with its fix.
/// A crash stops the test run; `swift test --filter SidingFuzzRegressionTests --verbose` names the
/// input each case replays.
@Suite struct FuzzCorpusReplayTests {
    struct Input: Sendable, CustomTestStringConvertible {
        let target: String
        let file: URL

        var testDescription: String { "\(target)/\(file.lastPathComponent)" }
    }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    static func contents(_ directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func inputs() throws -> [Input] {
        try contents(corpus).flatMap { folder in
            try contents(folder).map { Input(target: folder.lastPathComponent, file: $0) }
        }
    }

    @Test func everyCorpusFolderNamesATargetAndHoldsInputs() throws {
        let folders = try Self.contents(Self.corpus)
        #expect(!folders.isEmpty)
        for folder in folders {
            #expect(FuzzTargets.named(folder.lastPathComponent) != nil, "\(folder.lastPathComponent)")
            #expect(try !Self.contents(folder).isEmpty, "\(folder.lastPathComponent) has no inputs")
        }
    }

    @Test(arguments: try inputs())
    func corpusInputRunsWithoutCrashing(_ input: Input) throws {
        let target = try #require(FuzzTargets.named(input.target))
        let bytes = try Data(contentsOf: input.file)
        bytes.withUnsafeBytes { target($0) }
    }
}
