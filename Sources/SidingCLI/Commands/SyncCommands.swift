import ArgumentParser
import Foundation
import SidingAPI

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Each partner: connected?, last sync, what is missing each way, last error, backoff.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    func run() async throws {
        try await CLIRun.run(global) { client in
            let status = try await client.status()
            output.json ? try Printer.json(status) : Printer.line(Views.statusText(status))
        }
    }
}

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Retry every partner now; with --wait, return when in step with every reachable partner.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Wait until in step with every reachable partner.") var wait = false
    @Option(help: "Seconds to wait at most (with --wait).") var timeout = 60.0

    func run() async throws {
        try await CLIRun.run(global) { client in
            let start = try await client.syncNow()
            guard wait else { return Printer.line("retrying every partner now") }
            guard !start.peers.isEmpty else { return Printer.line("no partners configured; add one with `siding peer add`") }
            let attempts = Dictionary(uniqueKeysWithValues: start.peers.map { ($0.nodeID, $0.dialAttempts) })
            let progress = SyncProgress(terminal: isatty(STDOUT_FILENO) == 1)
            let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1_000))
            var status = start
            while true {
                status = try await client.status()
                // A partner is settled when in step, or when it could not be reached since this sync began.
                let unreachable = status.peers.filter { peer in
                    !peer.connected && (peer.address == nil || peer.dialAttempts > (attempts[peer.nodeID] ?? 0))
                }
                let behind = status.peers.filter { !$0.inStep && !unreachable.contains($0) }
                progress.show(status, behind: behind)
                if behind.isEmpty {
                    progress.finish()
                    for peer in unreachable {
                        try? StandardStream.error.write("siding: \(peer.name) is unreachable: \(peer.lastError ?? "not connected")\n")
                    }
                    return Printer.line("in step with \(status.peers.count - unreachable.count) of \(status.peers.count) partners")
                }
                if ContinuousClock.now >= deadline {
                    progress.finish()
                    let reasons = behind.map { peer in
                        "\(peer.name): "
                            + (peer.connected
                                ? "\(peer.missingHere) changes still to receive, \(peer.missingThere) to send"
                                : (peer.lastError ?? "not connected yet"))
                    }
                    throw CLIError("not in step after \(Int(timeout)) s: " + reasons.joined(separator: "; "))
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}

/// Progress for `siding sync --wait`: one rewritten line on a terminal, plain lines (on change) otherwise.
final class SyncProgress {
    let terminal: Bool
    private var last = ""

    init(terminal: Bool) { self.terminal = terminal }

    func show(_ status: StatusResource, behind: [PeerStatusResource]) {
        let pending = behind.map { "\($0.name): ↓\($0.missingHere) ↑\($0.missingThere)\($0.connected ? "" : " (connecting)")" }
        let line =
            "in step with \(status.peers.count - behind.count)/\(status.peers.count) partners"
            + (pending.isEmpty ? "" : " · " + pending.joined(separator: ", "))
        guard line != last else { return }
        last = line
        if terminal {
            try? StandardStream.error.write("\r\u{1B}[K\(TerminalText.escape(line))")
        } else {
            try? StandardStream.error.write("\(TerminalText.escape(line))\n")
        }
    }

    func finish() {
        if terminal && !last.isEmpty { try? StandardStream.error.write("\n") }
    }
}
