import Foundation
import SidingCore
import SidingStore

/// `siding init`: a new home with key, configuration and a database holding the node's `partners`
/// circle, all private to the user.
enum NodeSetup {
    static func create(_ home: NodeHome, _ configuration: Configuration) throws -> NodeID {
        umask(0o077)
        let key = try home.create(configuration)
        let origin = OriginKey(key.publicKey)
        let store = try SQLiteStore(path: home.databaseFile, localKey: origin)
        var author = LocalAuthor(key: key, wallClock: WallClock(), lastHLC: try store.latestHLC(of: origin))
        try store.write { transaction in
            let circle = try author.createCircle(name: PartnersCircle.sharedName(of: configuration.name), members: [], transaction: transaction)
            try transaction.setLabel(PartnersCircle.label, for: circle)
        }
        return origin.nodeID
    }
}

/// The circle each node owns whose members are exactly its partners: `peer add` admits, `peer remove`
/// removes. Found by its local label.
enum PartnersCircle {
    static let label = "partners"

    /// The name its members see (each of them has a `partners` circle of its own).
    static func sharedName(of node: String) -> String { "partners of \(node)" }
}
