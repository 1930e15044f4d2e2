import ArgumentParser
import Foundation
import SidingAPI

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the node's database while it runs (restore: see the README).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag
    @Argument(help: "The new backup file (must not exist; the daemon's user must be able to write there).") var path: String

    func run() async throws {
        try await CLIRun.run(global) { client in
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            let result = try await client.backup(to: (absolute as NSString).standardizingPath)
            if output.json { return try Printer.json(result) }
            Printer.line("backup written to \(result.path) (\(result.bytes) bytes, integrity_check: \(result.integrityCheck))")
        }
    }
}
