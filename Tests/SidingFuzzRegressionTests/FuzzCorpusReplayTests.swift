import Foundation
import SidingFuzzTargets
import Testing

/// Replays every committed fuzz input (Tests/FuzzCorpus/<target>/) through its target in a normal
/// build: the seeds, the inputs fuzzing found new coverage with, and every input that once crashed,
/// committed as `regression-<what>` with its fix. A crash stops the test run and names the target and
/// the broken invariant; `SIDING_FUZZ_TARGET=<target> .build-fuzz/debug/siding-fuzz
/// Tests/FuzzCorpus/<target>/*` (after `bash Deploy/fuzz.sh 1 <target>`) names the input.
@Suite struct FuzzCorpusReplayTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    static func contents(_ directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func targets() throws -> [String] { try contents(corpus).map(\.lastPathComponent) }

    @Test(arguments: try targets())
    func everyInputRunsWithoutCrashing(target name: String) throws {
        let target = try #require(FuzzTargets.named(name), "Tests/FuzzCorpus/\(name) names no fuzz target")
        let inputs = try Self.contents(Self.corpus.appendingPathComponent(name))
        #expect(!inputs.isEmpty, "Tests/FuzzCorpus/\(name) has no inputs")
        for file in inputs {
            let bytes = try Data(contentsOf: file)
            bytes.withUnsafeBytes { target($0) }
        }
    }

    @Test func theCorpusHasTargets() throws {
        #expect(try !Self.targets().isEmpty)
    }
}
