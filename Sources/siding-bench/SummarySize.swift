import Crypto
import Foundation
import NIOCore
import SidingCore
import SidingStore
import SidingWire

/// The Summary a node sends a peer: its network logs and the logs of the circles both belong to, each
/// with its tip digest, encoded and framed as a session writes it (deflated where it is that large).
enum SummarySize {
    static func bytes(databasePath: String, ownKeyBase64: String, peer: String) throws -> Double {
        guard let raw = Data(base64Encoded: ownKeyBase64), let peerID = NodeID(peer) else { throw BenchError("bad key or node ID") }
        let own = OriginKey(try Curve25519.Signing.PrivateKey(rawRepresentation: raw).publicKey)
        let store = try SQLiteStore(path: databasePath, localKey: own)
        let index = try store.circleLogIndex()
        var shared: Set<CircleID> = []
        for circle in try store.circles() {
            let membership = try store.membership(of: circle)
            if membership.isMember(own) && membership.isMember(peerID) { shared.insert(circle) }
        }
        let entries = try store.versionVector().entries.filter { log, _ in index.circleOf[log].map(shared.contains) ?? true }
        var tips: [OriginKey: [UInt8]] = [:]
        for (log, seq) in entries {
            guard let tip = try store.changes(of: log, after: seq - 1, limit: 1).first else { continue }
            tips[log] = Array(SHA256.hash(data: tip).prefix(WireLimits.tipDigestBytes))
        }
        let frame = try WireMessage.summary(VersionVector(entries), tips: tips).frame()
        // Length prefix, type and flags, then the payload as sent.
        return Double(6 + frame.payload.readableBytes)
    }
}
