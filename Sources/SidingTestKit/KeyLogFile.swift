import Foundation
import NIOCore
import Synchronization

/// Writes the TLS secrets an engine hands its key log (`SyncTestProbes(keyLog:)`) to a file in NSS
/// `SSLKEYLOGFILE` format, so Wireshark can decrypt a capture of the test's connections.
public final class KeyLogFile: Sendable {
    public let path: String
    private let handle: Mutex<FileHandle>

    /// Creates the file, or empties it if it exists.
    public init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        self.path = path
        self.handle = Mutex(handle)
    }

    /// The callback to give the engine. It writes on the connection's event loop: a few short lines per
    /// handshake, acceptable in a test.
    public var callback: @Sendable (ByteBuffer) -> Void {
        { [self] line in
            let bytes = Data(line.readableBytesView)
            handle.withLock { $0.write(bytes) }
        }
    }

    /// The file's lines so far.
    public func lines() throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    deinit { handle.withLock { try? $0.close() } }
}
