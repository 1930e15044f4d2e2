import Foundation
import SidingCore
import SidingStore

/// `siding init`: a new home with key, configuration and an empty database, all private to the user.
enum NodeSetup {
    static func create(_ home: NodeHome, _ configuration: Configuration) throws -> NodeID {
        umask(0o077)
        let key = try home.create(configuration)
        _ = try SQLiteStore(path: home.databaseFile)
        return OriginKey(key.publicKey).nodeID
    }
}
