import Foundation

/// A fresh directory under the system temp dir, removed when the test is done with it.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "siding") {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
