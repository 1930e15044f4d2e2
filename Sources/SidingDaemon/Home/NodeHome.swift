import Crypto
import Foundation
import SidingAPI
import SidingCore

/// A node's home directory: its configuration, key and database, readable by its owner only.
public struct NodeHome: Sendable {
    public let path: String

    public init(path: String) { self.path = (path as NSString).standardizingPath }

    public var configFile: String { path + "/siding.toml" }
    public var keyFile: String { path + "/node.key" }
    public var databaseFile: String { path + "/siding.db" }
    public var defaultSocket: String { path + "/siding.sock" }

    public func socketPath(_ configuration: Configuration) -> String { configuration.socketPath ?? defaultSocket }

    /// Creates a new node: home (0700), Ed25519 key (0600), configuration (0600). Refuses to touch an
    /// existing node. The key is made here, in the shell, because it needs randomness.
    public func create(_ configuration: Configuration) throws(DaemonError) -> Curve25519.Signing.PrivateKey {
        let files = FileManager.default
        if files.fileExists(atPath: keyFile) || files.fileExists(atPath: configFile) || files.fileExists(atPath: databaseFile) {
            throw .nodeExists(home: path)
        }
        do {
            try files.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        } catch {
            throw .io(path: path, reason: "cannot create the home directory: \(error.localizedDescription)")
        }
        let key = Curve25519.Signing.PrivateKey()
        try writeNew(keyFile, Self.keyFileText(key))
        try writeNew(configFile, configuration.fileText)
        return key
    }

    /// Loads the configuration and key of an existing node.
    public func load() throws(DaemonError) -> (Configuration, Curve25519.Signing.PrivateKey) {
        guard FileManager.default.fileExists(atPath: configFile), FileManager.default.fileExists(atPath: keyFile) else {
            throw .notANode(home: path)
        }
        let configuration = try Configuration(parsing: try read(configFile), file: configFile)
        guard let raw = NodeKeyFile.privateKey(parsing: try read(keyFile)), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw .key(file: keyFile, reason: "it does not hold a base64 Ed25519 private key; restore it from backup")
        }
        return (configuration, key)
    }

    static func keyFileText(_ key: Curve25519.Signing.PrivateKey) -> String {
        """
        # Siding node key (Ed25519 private key, base64). Anyone holding this file can sign as this node:
        # keep it mode 0600 and back it up like an SSH host key.
        \(key.rawRepresentation.base64EncodedString())

        """
    }

    private func read(_ file: String) throws(DaemonError) -> String {
        guard let data = FileManager.default.contents(atPath: file) else { throw .io(path: file, reason: "cannot be read") }
        guard let text = String(data: data, encoding: .utf8) else { throw .io(path: file, reason: "is not UTF-8 text") }
        return text
    }

    /// Writes a file that must not exist yet, created with mode 0600 (never briefly readable by others).
    private func writeNew(_ file: String, _ text: String) throws(DaemonError) {
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .io(path: file, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else { throw .io(path: file, reason: String(cString: strerror(errno))) }
    }
}
