import Foundation
import SidingCore

/// A partner node this node exchanges changes with: pinned by node ID, dialled at `address` if set.
public struct Partner: Hashable, Sendable {
    public let nodeID: NodeID
    public var name: String
    public var address: String?

    public init(nodeID: NodeID, name: String, address: String?) {
        self.nodeID = nodeID
        self.name = name
        self.address = address
    }
}

/// The partner list as the TLS verification callbacks see it: read on event loops, changed by the API.
public final class PartnerSet: @unchecked Sendable {
    private let lock = NSLock()
    private var partners: [NodeID: Partner] = [:]

    public init(_ partners: [Partner] = []) {
        for partner in partners { self.partners[partner.nodeID] = partner }
    }

    public func contains(_ id: NodeID) -> Bool { lock.withLock { partners[id] != nil } }
    public func partner(_ id: NodeID) -> Partner? { lock.withLock { partners[id] } }
    public var all: [Partner] { lock.withLock { partners.values.sorted { $0.nodeID < $1.nodeID } } }

    public func set(_ partner: Partner) { lock.withLock { partners[partner.nodeID] = partner } }

    @discardableResult
    public func remove(_ id: NodeID) -> Partner? { lock.withLock { partners.removeValue(forKey: id) } }
}
