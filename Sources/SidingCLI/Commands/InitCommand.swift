import ArgumentParser
import Foundation

/// `siding init` hands over to `sidingd init`: the daemon's executable owns the node's files, and the
/// CLI never links the store.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a new node (home, key, database, configuration) and print its ID.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The organisation's name, shown to partners.") var name: String
    @Option(help: "Where partners connect, HOST:PORT.") var listen = "127.0.0.1:7400"

    func run() throws {
        let home: String
        do { home = try global.resolvedHome() } catch { CLIRun.fail(String(describing: error)) }
        guard let daemon = DaemonExecutable.path() else {
            CLIRun.fail("cannot find the sidingd executable next to siding or on PATH; install both (Deploy/install.sh)")
        }
        let arguments = [daemon, "init", "--home", home, "--name", name, "--listen", listen]
        var cArguments = arguments.map { strdup($0) } + [nil]
        execv(daemon, &cArguments)
        CLIRun.fail("cannot run \(daemon): \(String(cString: strerror(errno)))")
    }
}

/// Where the `sidingd` executable is: beside this `siding`, else on PATH.
enum DaemonExecutable {
    static func path() -> String? {
        let files = FileManager.default
        if let own = try? files.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let sibling = (own as NSString).deletingLastPathComponent + "/sidingd"
            if files.isExecutableFile(atPath: sibling) { return sibling }
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/sidingd"
            if files.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
