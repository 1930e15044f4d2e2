import Foundation
import SidingTestKit
import Testing

/// `siding … | head -c 1`: a reader that stops early must end the CLI quietly, never with a crash.
@Suite(.serialized) struct CLIPipeTests {
    @Test(arguments: [["contact", "list", "--json"], ["contact", "list"]])
    func aReaderThatStopsEarlyEndsTheCLIQuietly(command: [String]) async throws {
        let node = try TestNode()
        // About 1,500 contacts: as a table over 100 KB, as JSON several hundred, more than a pipe holds (64 KiB).
        try Population.fill(node, fieldOperations: 12_000)
        try await node.start()
        defer { node.stop() }

        let scratch = TemporaryDirectory("pipe")
        let errorPath = scratch.file("stderr")
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.siding)
        process.arguments = ["--home", node.home] + command
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
        // Bounded: a CLI that never ended would otherwise hang the suite.
        let watchdog = DispatchWorkItem { process.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        defer { watchdog.cancel() }

        let first = try output.fileHandleForReading.read(upToCount: 1)
        try output.fileHandleForReading.close()
        process.waitUntilExit()

        let stderr = String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self)
        #expect(first?.isEmpty == false, "the CLI printed nothing; stderr: \(stderr)")
        #expect(stderr.isEmpty, "a reader going away is not an error to report: \(stderr)")
        // Killed by SIGPIPE, as git, ls and sqlite3 are: not a crash (SIGILL/SIGTRAP from a trap) nor a hang.
        #expect(
            process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGPIPE,
            "ended with \(process.terminationReason == .exit ? "exit status" : "signal") \(process.terminationStatus)")
    }
}
