import ArgumentParser
import Foundation

/// `siding`: the staff's command line for a Siding node. Talks to `sidingd` through its local API.
public struct SidingCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "siding",
        abstract: "Contacts and dialogue notes, kept in step with partner NGOs by sidingd.",
        discussion: "Every command except init, id and demo talks to the running daemon of the node in --home (or $SIDING_HOME).",
        version: "0.1.0",
        subcommands: [
            InitCommand.self, IDCommand.self, ContactCommand.self, NoteCommand.self, SearchCommand.self,
            HistoryCommand.self, ConflictsCommand.self, DigestCommand.self, PeerCommand.self, CircleCommand.self, MoveCommand.self,
            StatusCommand.self, SyncCommand.self, BackupCommand.self, DemoCommand.self,
        ])

    public init() {}

    /// Refuses arguments that are not valid UTF-8 before parsing: Swift would silently repair them.
    public static func checkArgumentsAreUTF8() {
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer))
            if String(validating: bytes, as: UTF8.self) == nil {
                CLIRun.fail("argument \(index) is not valid UTF-8 text; check your terminal's encoding (locale) and retype it")
            }
        }
    }
}

extension SidingCommand {
    /// `siding --home DIR contact add …` puts a global option before the subcommand, where the argument
    /// parser only looks for the root command's own options; move it after the subcommand words.
    public static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        var global: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if first == "--home", rest.count >= 2 {
                global += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--home=") {
                global.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard !global.isEmpty else { return arguments }
        // The subcommand path is the leading words that are not options (e.g. `contact add`).
        let path = rest.prefix { !$0.hasPrefix("-") && isCommandWord($0) }
        // No command, or one that does not exist: the parser's own answer for that is the useful one, and
        // "--home" left at the root would only be reported as an unknown option.
        guard !path.isEmpty else { return Array(rest) }
        return Array(path) + global + Array(rest.dropFirst(path.count))
    }

    private static func isCommandWord(_ word: String) -> Bool { commandWords.contains(word) }

    /// Every subcommand name at any depth, read from the command tree itself.
    private static let commandWords: Set<String> = {
        func names(_ command: ParsableCommand.Type) -> [String] {
            command.configuration.subcommands.flatMap { [$0._commandName] + names($0) }
        }
        return Set(names(SidingCommand.self) + ["help"])
    }()
}
