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
        commandName: "sync",
        abstract: "Retry every partner now; with --wait, return when in step with every partner (exit 1 naming any it could not reach).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Wait until in step with every partner; fails at once for a partner that cannot be reached.") var wait = false
    @Option(help: "Seconds to wait at most (with --wait).") var timeout = 60.0

    func run() async throws {
        try await CLIRun.run(global) { client in
            let start = try await client.syncNow()
            guard wait else { return Printer.line("retrying every partner now") }
            guard !start.peers.isEmpty else {
                if let lock = start.editsLocked { throw CLIError("no partners configured, and edits are locked: \(lock)") }
                return Printer.line("no partners configured; add one with `siding peer add`")
            }
            let failuresBefore = Dictionary(uniqueKeysWithValues: start.peers.map { ($0.nodeID, $0.failedDials) })
            let progress = SyncProgress(terminal: isatty(STDERR_FILENO) == 1)
            let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1_000))
            while true {
                let status = try await client.status()
                // Settled: in step, or not connected and a dial has failed since this sync began (or
                // there is no address to dial: only the partner can connect).
                let unreachable = status.peers.filter { peer in
                    !peer.connected && (peer.address == nil || peer.failedDials > (failuresBefore[peer.nodeID] ?? 0))
                }
                let behind = status.peers.filter { !$0.inStep && !unreachable.contains($0) }
                progress.show(status, behind: behind)
                let timedOut = ContinuousClock.now >= deadline
                guard behind.isEmpty || timedOut else {
                    try await Task.sleep(for: .milliseconds(100))
                    continue
                }
                progress.finish()
                let inStep = status.peers.filter(\.inStep).count
                guard !unreachable.isEmpty || !behind.isEmpty || status.editsLocked != nil else {
                    return Printer.line("in step with \(inStep) of \(status.peers.count) partners")
                }
                throw CLIError(SyncOutcome.failure(status, unreachable: unreachable, behind: behind, inStep: inStep, timeout: timeout))
            }
        }
    }
}

/// The one message `siding sync --wait` ends with when it is not in step with everyone.
enum SyncOutcome {
    static func failure(
        _ status: StatusResource, unreachable: [PeerStatusResource], behind: [PeerStatusResource], inStep: Int, timeout: Double
    ) -> String {
        var reasons = unreachable.map { peer in
            "\(peer.name) (\(peer.nodeID.prefix(11))) is unreachable: "
                + (peer.address == nil ? "it has no address here and has not connected; it must dial this node" : peer.lastError ?? "not connected")
        }
        reasons += behind.map { peer in
            "\(peer.name) (\(peer.nodeID.prefix(11))) is not in step after \(Int(timeout)) s: "
                + (peer.connected
                    ? "\(peer.missingHere.map(String.init) ?? "unknown") changes still to receive, \(peer.missingThere.map(String.init) ?? "unknown") to send"
                    : peer.lastError ?? "still connecting")
        }
        if let lock = status.editsLocked { reasons.append("edits are locked: \(lock)") }
        return "in step with \(inStep) of \(status.peers.count) partners; " + reasons.joined(separator: "; ")
    }
}

/// Progress for `siding sync --wait` on a terminal: one rewritten line on stderr, erased at the end, so
/// the result is printed once.
final class SyncProgress {
    let terminal: Bool
    private var last = ""

    init(terminal: Bool) { self.terminal = terminal }

    func show(_ status: StatusResource, behind: [PeerStatusResource]) {
        guard terminal else { return }
        let pending = behind.map { peer in
            "\(peer.name): ↓\(peer.missingHere.map(String.init) ?? "?") ↑\(peer.missingThere.map(String.init) ?? "?")\(peer.connected ? "" : " (connecting)")"
        }
        let line = "waiting for \(behind.count) of \(status.peers.count) partners" + (pending.isEmpty ? "" : " · " + pending.joined(separator: ", "))
        guard line != last else { return }
        last = line
        try? StandardStream.error.write("\r\u{1B}[K\(TerminalText.escape(line))")
    }

    func finish() {
        if terminal && !last.isEmpty { try? StandardStream.error.write("\r\u{1B}[K") }
    }
}
