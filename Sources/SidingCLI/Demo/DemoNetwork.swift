import Foundation
import SidingAPI

/// Throw-away nodes for the demo: homes in a temporary directory, daemons as child processes.
final class DemoNetwork {
    struct Node {
        let name: String
        let home: String
        let port: Int
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
        let port = try Self.freeLoopbackPort()
        let output = Pipe()
        let setup = try launch(["init", "--home", home, "--name", name, "--listen", "127.0.0.1:\(port)"], output: output)
        setup.waitUntilExit()
        guard setup.terminationStatus == 0 else { throw CLIError("sidingd init failed for \(name)") }
        let id = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let node = Node(name: name, home: home, port: port, id: id)
        nodes.append(node)
        return node
    }

    func start(_ node: Node) async throws {
        processes[node.home] = try launch(["--home", node.home], output: nil)
        for _ in 0..<150 {
            if (try? await node.client.node()) != nil { return }
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

    /// A port the kernel considers free right now (bound to port 0, then released).
    static func freeLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw CLIError("cannot open a socket to find a free port") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw CLIError("cannot find a free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
