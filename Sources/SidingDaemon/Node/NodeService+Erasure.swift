import SidingAPI
import SidingCore
import SidingStore

/// `siding contact|note erase` and what remains of an erased record ([erasure]): an erasure order,
/// valid from the record's creator (proven by the nonce its ID was made from) or its circle's owner (the
/// network has none), drops every value of the record on every node that holds it. Its ID, who erased it and when remain; nothing can be written to it again.
extension NodeService {
    /// Orders `text`'s record erased (live or deleted), as one change of its circle.
    func erase(_ kind: EntityKind, id text: String) async throws -> ErasureResource {
        try await checkWritable()
        let id = try await resolver.resolve(text, kinds: [kind], scope: .preferringLive)
        let directory = try await circleDirectory()
        let erasure = try await database.write { transaction, author in
            guard try transaction.holds(id) else { throw NodeError.unknownID(id.description) }
            try self.refuseErased(id, in: transaction)
            let order = try transaction.erasureOrder(for: id)
            let circle = try transaction.circle(of: id)
            guard try transaction.mayGive(order, by: author.origin) else {
                throw try self.unauthorisedRefusal(id, in: circle, directory, transaction)
            }
            if circle == nil, let nonce = order.creatorNonce {
                // Format 1 signs values themselves: the order vouches for each redacted change instead.
                let listings = try transaction.networkRedactions(erasing: id)
                try author.commit(ErasureOrder.networkOperations(erasing: id, creatorNonce: nonce, listings: listings), in: transaction)
            } else {
                try author.commit([ErasureOrder.operation(erasing: id, creatorNonce: order.creatorNonce)], in: transaction)
            }
            guard let erasure = try transaction.erasure(of: id) else { throw NodeError.storage("the erasure of \(id) was not carried out") }
            return erasure
        }
        return resource(erasure, names: try await nodeNames())
    }

    /// Throws `NodeError.erased` if `id` was erased: every write to it is refused, whatever it is.
    func refuseErased(_ id: EntityID, in transaction: StoreWriter) throws {
        guard let erasure = try transaction.erasure(of: id) else { return }
        let node = try nodeName(erasure.erasedBy, in: transaction).map { "\($0) (\(erasure.erasedBy))" } ?? erasure.erasedBy.description
        throw NodeError.erased(id: id.description, by: node, at: ResourceMapping.time(erasure.erasedAt))
    }

    private func nodeName(_ node: NodeID, in transaction: StoreWriter) throws -> String? {
        node == nodeID ? configuration.name : try transaction.partnerName(of: node)
    }

    private func unauthorisedRefusal(
        _ id: EntityID, in circle: CircleID?, _ directory: CircleDirectory, _ transaction: StoreWriter
    ) throws -> NodeError {
        func label(_ node: NodeID?) throws -> String {
            guard let node else { return "unknown" }
            return try nodeName(node, in: transaction).map { "\($0), \(node)" } ?? node.description
        }
        let noun = id.kind == .note ? "note" : "contact"
        let creator = try label(try transaction.creator(of: id))
        guard let circle else {
            return .notErasable(
                "\(id) is shared with the whole network, which has no owner: only the node that created it (as far as this node can tell, \(creator)) can erase it; "
                    + "ask them to run `siding \(noun) erase \(id)` (you can still delete it: `siding \(noun) delete \(id)`)")
        }
        let owner = try label(directory.memberships[circle]?.owner?.nodeID)
        return .notErasable(
            "only the node that created this record (as far as this node can tell, \(creator)) or the owner of circle \"\(directory.name(circle))\" (\(owner)) can erase it; "
                + "ask them to run `siding \(noun) erase \(id)` (you can still delete it: `siding \(noun) delete \(id)`)")
    }

    // MARK: Reading what remains

    /// Who erased `id` and when (nil: it was not erased).
    func erasureResource(of id: EntityID) async throws -> ErasureResource? {
        guard let erasure = try await database.read({ try $0.erasure(of: id) }) else { return nil }
        return resource(erasure, names: try await nodeNames())
    }

    /// The erased records of `kind`, most recently erased first.
    func erasures(_ kind: EntityKind) async throws -> [ErasureResource] {
        let erasures = try await database.read { try $0.erasures(of: kind) }
        let names = try await nodeNames()
        return erasures.map { resource($0, names: names) }
    }

    /// The erasures of `typed`'s records, for its audit: which record, by whom, when; never what.
    func circleErasures(_ typed: String) async throws -> [ErasureResource] {
        guard let circle = try await circleDirectory().resolve(typed).id else { throw Self.networkIsNotACircle("audit") }
        let erasures = try await database.read { try $0.erasures(in: circle) }
        let names = try await nodeNames()
        return erasures.map { resource($0, names: names) }
    }

    /// `history` of an erased record: every operation stays, with who and when, but every value reads
    /// "erased"; the order that erased it reads "erased by NODE at TIME". An order that erased nothing
    /// (refused, or after another) says so.
    func markingErasure(_ items: [HistoryItem], of id: EntityID, names: [NodeID: String]) async throws -> [HistoryItem] {
        let erasure = try await database.read { try $0.erasure(of: id) }
        let orderAction = "action \(ErasureOrder.actionType)"
        guard erasure != nil || items.contains(where: { $0.action == orderAction }) else { return items }
        return items.map { item in
            var item = item
            if item.action == orderAction {
                item.action = "erase"
                if let erasure, erasure.erasedBy.description == item.node, erasure.erasedAt.description == item.hlc {
                    item.value = Self.erasedLine(resource(erasure, names: names))
                } else {
                    item.value = erasure == nil ? "refused: only the record's creator or its circle's owner may erase it" : "erased already"
                }
            } else if erasure != nil {
                item.value = "erased"
                item.valueName = nil
            }
            return item
        }
    }

    static func erasedLine(_ erasure: ErasureResource) -> String {
        "erased by \(erasure.erasedByName ?? erasure.erasedBy) at \(erasure.erasedAt)"
    }

    private func resource(_ erasure: StoreWriter.Erasure, names: [NodeID: String]) -> ErasureResource {
        ErasureResource(
            id: erasure.record.description, kind: erasure.record.kind.description, erasedBy: erasure.erasedBy.description,
            erasedByName: names[erasure.erasedBy], erasedAt: ResourceMapping.time(erasure.erasedAt), hlc: erasure.erasedAt.description)
    }
}
