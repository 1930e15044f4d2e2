import Foundation
import SidingAPI
import SidingCore

/// Reads a node's ID from the key in its home, for `siding id` without a daemon: the ID is the
/// fingerprint of the key's public half, which the private key determines.
enum NodeKeyReader {
    static func nodeID(home: String) throws(CLIError) -> NodeID {
        let file = home + "/" + NodeKeyFile.name
        guard FileManager.default.fileExists(atPath: file) else {
            if !FileManager.default.fileExists(atPath: home + "/siding.toml") {
                throw CLIError("there is no Siding node in \(home); create one with `siding init --home \(home) --name NAME`")
            }
            throw CLIError("\(file) is missing: this node has no key; restore node.key from your backup into \(home)")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIError("cannot read \(file); run siding as the user sidingd runs as (e.g. `sudo -u siding siding id`)")
        }
        guard let text = String(data: data, encoding: .utf8), let key = NodeKeyFile.privateKey(parsing: text), let origin = OriginKey(privateKey: key)
        else {
            throw CLIError("\(file) does not hold a base64 Ed25519 private key; restore it from your backup")
        }
        return origin.nodeID
    }
}
