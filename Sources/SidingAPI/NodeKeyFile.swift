import Foundation

/// The text of a node's key file (`node.key` in its home): `#` comment lines, then the Ed25519 private
/// key's 32 raw bytes in base64. Read by `sidingd`, and by `siding id`, which needs no daemon.
public enum NodeKeyFile {
    public static let name = "node.key"

    /// The raw private key the text holds, or nil if it holds none.
    public static func privateKey(parsing text: String) -> [UInt8]? {
        let encoded = text.textLines.map { String($0).trimmingWhitespace }.first { !$0.isEmpty && !$0.hasPrefix("#") } ?? ""
        return Data(base64Encoded: encoded).map(Array.init)
    }
}
