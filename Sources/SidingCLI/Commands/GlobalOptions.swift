import ArgumentParser
import Foundation
import SidingAPI

/// Options every command takes: which node to talk to, and JSON output for read commands.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The node's home directory (default: $SIDING_HOME).")
    var home: String?

    func resolvedHome() throws -> String {
        guard let path = HomeLocation.resolve(home) else { throw CLIError(HomeLocation.missingMessage) }
        return path
    }

    func client() throws -> LocalAPIClient { LocalAPIClient(home: try resolvedHome()) }
}

struct JSONFlag: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false
}

/// An error the CLI reports as one line on stderr.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command body and turns any failure into `siding: <what to do>` on stderr and exit status 1.
enum CLIRun {
    static func run(_ global: GlobalOptions, _ body: (LocalAPIClient) async throws -> Void) async throws {
        do {
            try await body(try global.client())
        } catch let error as LocalAPIError {
            if case .daemonNotRunning = error, let home = try? global.resolvedHome() {
                if !FileManager.default.fileExists(atPath: home + "/siding.toml") {
                    fail("there is no Siding node in \(home); create one with `siding init --home \(home) --name NAME`")
                }
                fail("sidingd is not running for \(home); start it with `sidingd --home \(home) &` (or `systemctl start sidingd@NAME`)")
            }
            fail(error.description)
        } catch let error as CLIError {
            fail(error.description)
        } catch let error as ExitCode {
            throw error
        } catch {
            fail(String(describing: error))
        }
    }

    static func fail(_ message: String) -> Never {
        // If stderr's reader is gone too, there is nobody left to tell.
        try? StandardStream.error.write("siding: \(message)\n")
        exit(1)
    }

    /// Stdout's reader went away (`siding … | head -1`, `grep -q`, a pager quit early). Ends the way
    /// `git`, `ls` and `sqlite3` end there: killed by SIGPIPE, which shells do not report (status 141
    /// under `set -o pipefail`), so a pipeline behaves the same whichever of these tools is in it.
    /// NIO set SIGPIPE to be ignored, so the default action is restored first.
    static func readerGone() -> Never {
        signal(SIGPIPE, SIG_DFL)
        raise(SIGPIPE)
        // Reached only if this thread blocks SIGPIPE: the status a shell shows for it.
        exit(128 + SIGPIPE)
    }
}
