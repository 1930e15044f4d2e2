import Foundation
import SidingAPI
import SidingCore
import SidingStore

/// `siding circle …`, `siding move` and the circle of new records.
extension NodeService {
    static let maxCircleNameBytes = 200

    func circleDirectory() async throws -> CircleDirectory {
        let nodeID = nodeID
        return try await database.read { try CircleDirectory.load($0, nodeID: nodeID) }
    }

    /// Where a new record goes: `--circle`, else `[sharing] default_circle`, else the network.
    func newRecordTarget(_ typed: String?, in directory: CircleDirectory) throws -> CircleTarget {
        let target: CircleTarget
        if let typed {
            target = try directory.resolve(typed)
        } else if let configured = configuration.defaultCircle {
            do {
                target = try directory.resolve(configured)
            } catch NodeError.unknownCircle {
                throw NodeError.unknownDefaultCircle(configured)
            }
        } else {
            target = .network
        }
        if let circle = target.id, !directory.isMember(circle) { throw NodeError.notACircleMember(directory.name(circle)) }
        return target
    }

    // MARK: Reading circles

    func circles() async throws -> [CircleResource] {
        let directory = try await circleDirectory()
        let (counts, partners) = try await database.read { (try $0.circleRecordCounts(), try $0.peers()) }
        let names = Dictionary(partners.map { ($0.nodeID, $0.name) }, uniquingKeysWith: { a, _ in a })
        return directory.memberships.keys.filter(directory.isMember).map { circle in
            resource(circle, directory, records: counts[circle] ?? 0, names: names)
        }.sorted { ($0.name.lowercased(), $0.id) < ($1.name.lowercased(), $1.id) }
    }

    func showCircle(_ typed: String) async throws -> CircleDetailResource {
        let directory = try await circleDirectory()
        guard let circle = try directory.resolve(typed).id else { throw Self.networkIsNotACircle("show") }
        return try await detail(circle, directory)
    }

    private func detail(_ circle: CircleID, _ directory: CircleDirectory) async throws -> CircleDetailResource {
        let (counts, partners) = try await database.read { (try $0.circleRecordCounts(), try $0.peers()) }
        var names = Dictionary(partners.map { ($0.nodeID, $0.name) }, uniquingKeysWith: { a, _ in a })
        let partnerIDs = Set(names.keys)
        names[nodeID] = configuration.name
        let membership = directory.memberships[circle] ?? CircleMembership(circle: circle)
        let members = membership.members.map { member in
            CircleMemberResource(
                nodeID: member.description, name: names[member], isOwner: member == membership.owner?.nodeID, isThisNode: member == nodeID,
                isPartner: partnerIDs.contains(member))
        }
        return CircleDetailResource(circle: resource(circle, directory, records: counts[circle] ?? 0, names: names), memberList: members)
    }

    private func resource(_ circle: CircleID, _ directory: CircleDirectory, records: Int, names: [NodeID: String]) -> CircleResource {
        let membership = directory.memberships[circle]
        let owner = membership?.owner?.nodeID
        return CircleResource(
            id: circle.description, name: directory.name(circle), sharedName: directory.sharedNames[circle] ?? "",
            owner: owner?.description ?? "", ownerName: owner == nodeID ? configuration.name : owner.flatMap { names[$0] },
            members: membership?.members.count ?? 0, records: records, role: owner == nodeID ? "owner" : "member",
            partners: circle == directory.partnersCircle)
    }

    /// Which partner was sent which part of the circle, and when (rows the sync engine records).
    func audit(_ typed: String) async throws -> [CircleDeliveryResource] {
        let directory = try await circleDirectory()
        guard let circle = try directory.resolve(typed).id else { throw Self.networkIsNotACircle("audit") }
        let (rows, partners) = try await database.read { (try $0.deliveries(of: circle), try $0.peers()) }
        var names = Dictionary(partners.map { ($0.nodeID, $0.name) }, uniquingKeysWith: { a, _ in a })
        names[nodeID] = configuration.name
        return rows.map { row in
            CircleDeliveryResource(
                peer: row.peerText, peerName: row.peer.flatMap { names[$0] }, author: row.author?.description,
                authorName: row.author.flatMap { names[$0] }, epoch: row.epoch, firstSeq: row.firstSeq, lastSeq: row.lastSeq,
                sentAt: PartnerService.iso(Date(timeIntervalSince1970: Double(row.sentAtMilliseconds) / 1_000)))
        }
    }

    /// The digest of the network's part (`network`) or of one circle's: its members compare it.
    func digest(circle typed: String) async throws -> DigestResource {
        let circle = try await circleDirectory().resolve(typed).id
        let digest = try await database.read { try $0.digest(of: circle) }
        return DigestResource(
            viewDigest: ViewDigest.hex(digest.view), vectorDigest: ViewDigest.hex(digest.vector), entities: digest.entities,
            origins: digest.origins, changes: digest.changes)
    }

    // MARK: Changing circles

    func createCircle(_ request: CircleCreateRequest) async throws -> CircleDetailResource {
        try await checkWritable()
        let name = request.name.trimmingWhitespace
        guard !name.isEmpty, name.utf8.count <= Self.maxCircleNameBytes else {
            throw NodeError.badRequest("a circle's name must be 1 to \(Self.maxCircleNameBytes) bytes")
        }
        guard name.lowercased() != CircleRef.networkName, name.lowercased() != PartnersCircle.label else {
            throw NodeError.badRequest("'\(name)' is a built-in circle name; choose another name")
        }
        let members = try request.members.map(Self.nodeID)
        let circle = try await database.write { transaction, author in
            try author.createCircle(name: name, members: members, transaction: transaction)
        }
        return try await detail(circle, try await circleDirectory())
    }

    func addMember(_ typed: String, _ request: CircleMemberRequest) async throws -> CircleDetailResource {
        let member = try Self.nodeID(request.nodeID)
        let circle = try await ownedCircle(typed, doing: "add members to")
        try await admit(member, to: circle)
        return try await detail(circle, try await circleDirectory())
    }

    /// Removes `member`, then waits until every live session has stopped sending the circle to it.
    func removeMember(_ typed: String, nodeID text: String) async throws -> CircleDetailResource {
        let member = try Self.nodeID(text)
        let circle = try await ownedCircle(typed, doing: "remove members from")
        try await remove(member, from: circle)
        return try await detail(circle, try await circleDirectory())
    }

    func leaveCircle(_ typed: String) async throws -> CircleResource {
        try await checkWritable()
        let directory = try await circleDirectory()
        guard let circle = try directory.resolve(typed).id else { throw Self.networkIsNotACircle("leave") }
        let name = directory.name(circle)
        guard directory.memberships[circle]?.owner?.nodeID != nodeID else {
            throw NodeError.notTheCircleOwner(
                "this node owns circle \"\(name)\", and an owner cannot leave its circle; remove its members with "
                    + "`siding circle remove \"\(name)\" NODE_ID`, or move its records elsewhere with `siding move`")
        }
        guard directory.isMember(circle) else { throw NodeError.notACircleMember(name) }
        try await database.write { transaction, author in
            try author.commit([ControlAction.leave.operation(in: circle)], inCircle: circle, transaction: transaction)
        }
        await barrier()
        let counts = try await database.read { try $0.circleRecordCounts() }
        return resource(circle, try await circleDirectory(), records: counts[circle] ?? 0, names: [:])
    }

    /// Admits `member` to `circle` (owned by this node); nothing if it is a member already.
    func admit(_ member: NodeID, to circle: CircleID) async throws {
        try await checkWritable()
        try await database.write { transaction, author in
            let membership = try transaction.membership(of: circle)
            guard member != author.origin.nodeID, !membership.isMember(member) else { return }
            try author.commit([ControlAction.admit(member: member).operation(in: circle)], inCircle: circle, transaction: transaction)
        }
    }

    /// Removes `member` from `circle` (owned by this node), cut at the last seq this node holds of its
    /// current log, then waits for the sync engine's revocation barrier.
    func remove(_ member: NodeID, from circle: CircleID) async throws {
        try await checkWritable()
        let removed = try await database.write { transaction, author -> Bool in
            let membership = try transaction.membership(of: circle)
            guard member != author.origin.nodeID, membership.isMember(member),
                let tenure = membership.tenures[member]?.last, tenure.cut == nil
            else { return false }
            let log = try transaction.heldLogs(of: circle).first { $0.author.nodeID == member && $0.epoch == tenure.epoch }
            let cut = try log.map { try transaction.heldSeq(of: $0.key) } ?? 0
            try author.commit(
                [ControlAction.remove(member: member, cut: cut).operation(in: circle)], inCircle: circle, transaction: transaction)
            return true
        }
        if removed { await barrier() }
    }

    private func ownedCircle(_ typed: String, doing what: String) async throws -> CircleID {
        let directory = try await circleDirectory()
        guard let circle = try directory.resolve(typed).id else {
            throw NodeError.badRequest("the network has no members to change; it is every partner and their partners")
        }
        guard directory.memberships[circle]?.owner?.nodeID == nodeID else {
            let owner = directory.memberships[circle]?.owner?.nodeID.description ?? "its owner"
            throw NodeError.notTheCircleOwner(
                "only a circle's owner can \(what) it; ask the owner of \"\(directory.name(circle))\" (\(owner))")
        }
        return circle
    }

    static func nodeID(_ text: String) throws -> NodeID {
        guard let id = NodeID(text.trimmingWhitespace) else {
            throw NodeError.badRequest("'\(text)' is not a node ID; copy it exactly as `siding id` prints it on the member's host")
        }
        return id
    }

    static func networkIsNotACircle(_ command: String) -> NodeError {
        .badRequest("`network` is not a circle you can \(command): it is every partner and their partners; name a circle from `siding circle list`")
    }

    // MARK: Moving a record

    /// Writes the record's current values as a new record in the target circle (one change) and
    /// deletes the old one (another, in its own circle). Neither points to the other.
    func move(_ request: MoveRequest) async throws -> MoveResult {
        try await checkWritable()
        let id = try await resolver.resolve(request.record, kinds: [.contact, .note], scope: .live)
        let directory = try await circleDirectory()
        let target = try directory.resolve(request.to)
        if let circle = target.id, !directory.isMember(circle) { throw NodeError.notACircleMember(directory.name(circle)) }
        let newRecord = try NewRecord(id.kind, madeBy: nodeID)
        let newID = newRecord.id
        try await database.write { transaction, author in
            try self.refuseErased(id, in: transaction)
            guard let current = try transaction.entity(id), !current.isDeleted else { throw NodeError.deleted(id.description) }
            guard try transaction.circle(of: id) != target.id else {
                throw NodeError.badRequest("\(id) is in \(directory.ref(target).displayName) already")
            }
            var snapshot = Edit()
            for field in Schema.fields(of: id.kind) where field.name != ContactSchema.mergedInto.name {
                if field.isSet {
                    let members = current.members(field.name)
                    if !members.isEmpty { snapshot.additions[field.name] = members }
                } else if let value = current.value(field.name), !value.isEmpty {
                    snapshot.writes[field.name] = value
                }
            }
            try Self.checkReferences(snapshot, from: target.id, directory: directory, in: transaction)
            try author.commit(EditPlanner.operations(for: snapshot, on: newID, current: nil), in: transaction, newRecordsIn: target.id)
            try newRecord.remember(in: transaction)
            try author.commit(
                EditPlanner.operations(for: .delete, on: id, current: current) + MergePlanner.settlingPointer(current), in: transaction)
        }
        return MoveResult(id: newID.description, old: id.description, placement: directory.placement(target))
    }

    /// The reference guard: every record `edit` names (a note's participants) must be of the network,
    /// of `circle`, or of a circle that includes every member of `circle`.
    static func checkReferences(_ edit: Edit, from circle: CircleID?, directory: CircleDirectory, in transaction: StoreWriter) throws {
        for field in Schema.fields(of: .note) where field.shape == .contactID {
            for text in edit.additions[field.name] ?? [] {
                guard let entity = EntityID(text) else { continue }
                let target = try transaction.circle(of: entity)
                guard directory.mayRefer(from: circle, to: target) else {
                    throw directory.referenceRefusal(from: circle, to: entity, in: target)
                }
            }
        }
    }
}
