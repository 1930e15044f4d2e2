import ArgumentParser
import Foundation
import NIOCore
import SidingAPI

/// `sidingd`: the Siding node daemon.
public struct SidingdCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sidingd",
        abstract: "The Siding node daemon: keeps contacts and dialogue notes in step with partner NGOs.",
        discussion: """
            Runs one node: its database, its partner listener (mutual TLS 1.3, partners pinned by node ID) and the local API \
            that the siding command line uses. `sidingd --home DIR` runs the node (run is the default subcommand). One sidingd \
            per organisation, usually as the systemd instance sidingd@NAME.
            """,
        version: Daemon.version,
        subcommands: [RunCommand.self, InitCommand.self],
        defaultSubcommand: RunCommand.self)

    public init() {}
}

struct HomeOption: ParsableArguments {
    @Option(name: .long, help: "The node's home directory (default: $SIDING_HOME).")
    var home: String?

    func resolved() throws -> NodeHome {
        guard let path = HomeLocation.resolve(home) else { throw ValidationError(HomeLocation.missingMessage) }
        return NodeHome(path: path)
    }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the node in the foreground until SIGTERM or SIGINT.")

    @OptionGroup var home: HomeOption

    @Option(help: "The local API socket, overriding the configuration (the systemd units put it in /run/siding/NAME).")
    var socket: String?

    @Flag(help: "Let members of the daemon's group use the local API, overriding the configuration.")
    var groupAccess = false

    @Option(help: ArgumentHelp("Milliseconds added to the system clock (tests of clock skew).", visibility: .hidden))
    var clockOffsetMs: Int64 = 0

    @Option(help: ArgumentHelp("Milliseconds a local API request may take to arrive (tests of the deadline).", visibility: .hidden))
    var apiRequestDeadlineMs: Int64 = LocalAPITimeouts.requestDeadline.nanoseconds / 1_000_000

    @Option(help: ArgumentHelp("Milliseconds a local API connection may sit idle (tests of the idle timeout).", visibility: .hidden))
    var apiIdleTimeoutMs: Int64 = LocalAPITimeouts.idleTimeout.nanoseconds / 1_000_000

    func run() async throws {
        try await DaemonExit.reporting {
            try await Daemon.run(
                home: try home.resolved(),
                overrides: Daemon.Overrides(
                    socketPath: socket, groupAccess: groupAccess ? true : nil,
                    apiTimeouts: LocalAPITimeouts(requestDeadline: .milliseconds(apiRequestDeadlineMs), idle: .milliseconds(apiIdleTimeoutMs))),
                wallClock: WallClock(offsetMilliseconds: clockOffsetMs))
        }
    }
}

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create a new node: home, key, database and configuration.")

    @OptionGroup var home: HomeOption

    @Option(help: "The organisation's name, shown to partners.")
    var name: String

    @Option(help: "Where partners connect, HOST:PORT.")
    var listen: String = "127.0.0.1:7400"

    func run() async throws {
        try await DaemonExit.reporting {
            let nodeHome = try home.resolved()
            guard !name.trimmingWhitespace.isEmpty else { throw ValidationError("--name must not be empty") }
            guard let address = ListenAddress(listen) else { throw DaemonError.invalidListenAddress(listen) }
            let nodeID = try NodeSetup.create(nodeHome, Configuration(name: name, listen: address, defaultCircle: PartnersCircle.label))
            print(nodeID)
        }
    }
}

/// Prints a daemon error as one line on stderr and exits with its status.
enum DaemonExit {
    static func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as DaemonError {
            try? StandardStream.error.write("sidingd: \(error)\n")
            throw ExitCode(error.exitStatus)
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            try? StandardStream.error.write("sidingd: \(error)\n")
            throw ExitCode(1)
        }
    }
}
