import Foundation
import SidingAPI

/// Throw-away nodes for the demo: homes in a temporary directory, daemons as child processes.
final class DemoNetwork {
    struct Node {
        let name: String
        let home: String
        let id: String
        var client: LocalAPIClient { LocalAPIClient(home: home) }
    }

    let daemon: String
    let workspace: String
    private(set) var nodes: [Node] = []
    private var processes: [String: Process] = [:]

    init(daemon: String) {
        self.daemon = daemon
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("siding-demo-\(UUID().uuidString.prefix(8))").path
    }

    func create(_ name: String, directory: String) throws -> Node {
        let home = workspace + "/" + directory
        let output = Pipe()
        // Port 0: each daemon binds a free loopback port and reports it in `siding status`.
        let setup = try launch(["init", "--home", home, "--name", name, "--listen", "127.0.0.1:0"], output: output)
        setup.waitUntilExit()
        guard setup.terminationStatus == 0 else { throw CLIError("sidingd init failed for \(name)") }
        let id = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let node = Node(name: name, home: home, id: id)
        nodes.append(node)
        return node
    }

    /// Starts the node's daemon; returns the address partners reach it at.
    @discardableResult
    func start(_ node: Node) async throws -> String {
        processes[node.home] = try launch(["--home", node.home], output: nil)
        for _ in 0..<150 {
            if let info = try? await node.client.node() { return info.listen }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError("the demo daemon for \(node.name) did not become ready within 15 s")
    }

    func stop(_ node: Node) {
        guard let process = processes.removeValue(forKey: node.home) else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// Stops every daemon and removes every home.
    func tearDown() {
        for node in nodes { stop(node) }
        try? FileManager.default.removeItem(atPath: workspace)
    }

    private func launch(_ arguments: [String], output: Pipe?) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: daemon)
        process.arguments = arguments
        process.standardOutput = output ?? FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
