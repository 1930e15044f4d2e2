import Foundation
import SidingAPI

/// A real node for end-to-end tests: `sidingd init` in a temp home, then the daemon as a child process.
public final class TestNode: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let home: String
    public let nodeID: String
    private var daemon: Process?
    private let lock = NSLock()
    /// Where its `sidingd` and `siding` are: this build's, or another release's (`PreviousRelease`).
    public let binaries: String

    /// A new node; port 0 lets the daemon pick a free port for partners (tests that do not sync).
    /// `defaultCircle` replaces the `[sharing] default_circle` that `init` wrote (`partners`): tests of
    /// the network keep sending new records to the network; nil keeps what `init` wrote.
    public init(
        name: String = "Test NGO", listenPort: Int = 0, defaultCircle: String? = "network", binaries: String = BuiltProducts.directory
    ) throws {
        directory = TemporaryDirectory("node")
        home = directory.file("home")
        self.binaries = binaries
        let result = try runProcess(binaries + "/sidingd", ["init", "--home", home, "--name", name, "--listen", "127.0.0.1:\(listenPort)"])
        guard result.status == 0 else { throw TestNodeError.initFailed(result.stderr) }
        nodeID = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if let defaultCircle {
            let file = home + "/siding.toml"
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let replaced = text.replacingOccurrences(of: "default_circle = \"partners\"", with: "default_circle = \"\(defaultCircle)\"")
            guard replaced != text else { throw TestNodeError.initFailed("siding.toml has no default_circle = \"partners\" to replace") }
            try replaced.write(toFile: file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
    }

    /// Set when the daemon is started with `--socket`, so the client finds it.
    public var socketOverride: String?

    public var client: LocalAPIClient { socketOverride.map(LocalAPIClient.init(socketPath:)) ?? LocalAPIClient(home: home) }
    public var databasePath: String { home + "/siding.db" }
    public var logPath: String { directory.file("sidingd.log") }

    /// Starts the daemon and waits (at most 20 s) until its local API answers.
    public func start(extraArguments: [String] = [], environment: [String: String] = [:]) async throws {
        let process = try launch(extraArguments: extraArguments, environment: environment)
        for _ in 0..<1_000 {
            if (try? await client.node()) != nil { return }
            guard process.isRunning else { throw TestNodeError.daemonExited(process.terminationStatus, log: logText) }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestNodeError.notReady
    }

    /// Starts the daemon and returns at once (`start` waits until it answers).
    @discardableResult
    public func launch(extraArguments: [String] = [], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaries + "/sidingd")
        process.arguments = ["--home", home] + extraArguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        lock.withLock { daemon = process }
        return process
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    public func stop() -> Int32 { signalDaemon(SIGTERM) }

    /// Sends a signal without waiting (SIGHUP).
    public func send(_ signal: Int32) {
        if let pid = daemonPID { kill(pid, signal) }
    }

    /// Runs the daemon expecting it to exit on its own (a refusal at start-up); killed after 20 s.
    public func runExpectingExit() throws -> ProcessResult {
        try runProcess("/usr/bin/timeout", ["20", binaries + "/sidingd", "--home", home])
    }

    /// SIGKILL: the daemon gets no chance to clean up.
    @discardableResult
    public func kill9() -> Int32 { signalDaemon(SIGKILL) }

    private func signalDaemon(_ signal: Int32) -> Int32 {
        guard
            let process = lock.withLock({ () -> Process? in
                defer { daemon = nil }; return daemon
            })
        else { return 0 }
        kill(process.processIdentifier, signal)
        return exitStatus(of: process)
    }

    /// The running daemon's peak resident memory so far (VmHWM), in MiB.
    public var peakRSSMiB: Double? {
        guard let pid = daemonPID, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kib / 1_024
    }

    /// The running daemon's process ID.
    public var daemonPID: Int32? { lock.withLock { daemon?.processIdentifier } }

    /// The node's private key, read from its home (for tools that prepare a database directly).
    public func privateKeyBase64() throws -> String {
        let text = try String(contentsOfFile: home + "/node.key", encoding: .utf8)
        return text.split(separator: "\n").first { !$0.hasPrefix("#") }.map(String.init) ?? ""
    }

    public var logText: String { String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self) }

    /// Runs the `siding` CLI against this node.
    public func siding(_ arguments: String..., stdin: Data? = nil) throws -> ProcessResult {
        try sidingArguments(arguments, stdin: stdin)
    }

    public func sidingArguments(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        try runProcess(binaries + "/siding", ["--home", home] + arguments, stdin: stdin)
    }

    deinit { kill9() }
}

public enum TestNodeError: Error {
    case initFailed(String)
    case daemonExited(Int32, log: String)
    case notReady
}

/// A loopback TCP port free right now, for a node that must keep its port across restarts.
public func freeLoopbackPort() throws -> Int {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
    }
    guard bound else { throw TestNodeError.notReady }
    return Int(UInt16(bigEndian: address.sin_port))
}

extension TestNode {
    /// Makes this running node and `dialler` partners, `dialler` dialling this node's current address
    /// (a node on port 0 gets a new one each start, so call it again after a restart).
    public func pair(dialledBy dialler: TestNode, names: (mine: String, theirs: String) = ("A", "B")) async throws {
        _ = try await client.addPeer(PeerResource(nodeID: dialler.nodeID, name: names.theirs, address: nil))
        _ = try await dialler.client.addPeer(PeerResource(nodeID: nodeID, name: names.mine, address: try await client.node().listen))
    }
}
