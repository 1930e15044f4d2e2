import Foundation

/// Opens a note's text in the user's editor — `$VISUAL`, then `$EDITOR`, then `vi`, as git does — in
/// a private temporary file, and returns what was saved there.
struct BodyEditor {
    /// The temporary file, kept when the text could not be saved so nothing typed is lost.
    let file: String
    private let directory: String

    init() throws {
        let directory = NSTemporaryDirectory() + "siding-edit-" + UUID().uuidString
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError("cannot make a temporary file for the editor in \(NSTemporaryDirectory()) (\(error)); set TMPDIR to a writable directory")
        }
        self.directory = directory
        file = directory + "/note.md"
    }

    static var command: String {
        let environment = ProcessInfo.processInfo.environment
        return [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? "vi"
    }

    /// Runs the editor on `text` and returns the saved text. A final newline the editor added to text
    /// that had none is dropped, so saving without a change is no change.
    func edit(_ text: String) throws -> String {
        guard FileManager.default.createFile(atPath: file, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CLIError("cannot write \(file); set TMPDIR to a writable directory")
        }
        let editor = Self.command
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // Through the shell, as git does: the variable may hold arguments (`code --wait`).
        process.arguments = ["-c", editor + " \"$1\"", "sh", file]
        do {
            try process.run()
        } catch {
            throw CLIError("cannot run the editor '\(editor)' (\(error)); set VISUAL or EDITOR to an editor's command")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError("the editor '\(editor)' exited with status \(process.terminationStatus); nothing was saved (your text is in \(file))")
        }
        var edited = try BodyFile.read(file)
        if !text.hasSuffix("\n"), edited.hasSuffix("\n") { edited.removeLast() }
        return edited
    }

    /// Removes the temporary file (after the text was saved or when there is nothing to keep).
    func discard() { try? FileManager.default.removeItem(atPath: directory) }

    /// Whether standard input is a terminal someone types at (not a pipe or file).
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
}
