import SidingAPI
import SidingCore
import SidingStore

/// A circle as the user names it: the network (records of no circle) or one circle.
enum CircleTarget: Hashable, Sendable {
    case network
    case circle(CircleID)

    var id: CircleID? {
        if case .circle(let id) = self { return id }
        return nil
    }

    init(_ id: CircleID?) { self = id.map { .circle($0) } ?? .network }
}

/// What this node knows of its circles at one moment (memberships, shared names, local labels), read
/// in one go: it names records' circles and resolves what the user typed.
struct CircleDirectory: Sendable {
    let nodeID: NodeID
    let memberships: [CircleID: CircleMembership]
    let labels: [CircleID: String]
    let sharedNames: [CircleID: String]

    static func load(_ store: SQLiteStore, nodeID: NodeID) throws -> CircleDirectory {
        var memberships: [CircleID: CircleMembership] = [:]
        var names: [CircleID: String] = [:]
        for circle in try store.circles() {
            memberships[circle] = try store.membership(of: circle)
            names[circle] = try store.record(circle.entity)?.fields["name"]
        }
        return CircleDirectory(nodeID: nodeID, memberships: memberships, labels: try store.circleLabels(), sharedNames: names)
    }

    /// The local label if there is one, else the name its owner gave it, else its ID.
    func name(_ circle: CircleID) -> String { labels[circle] ?? sharedNames[circle] ?? circle.description }

    func ref(_ target: CircleTarget) -> CircleRef {
        switch target {
        case .network: .network
        case .circle(let id): .circle(id: id.description, name: name(id))
        }
    }

    func isMember(_ circle: CircleID) -> Bool { memberships[circle]?.isMember(nodeID) ?? false }

    /// This node's own `partners` circle (labelled so by `siding init`).
    var partnersCircle: CircleID? {
        labels.first { $0.value.lowercased() == PartnersCircle.label && memberships[$0.key]?.owner?.nodeID == nodeID }?.key
    }

    func placement(_ target: CircleTarget) -> CirclePlacement {
        CirclePlacement(
            circle: ref(target), members: target.id.flatMap { memberships[$0]?.members.count } ?? 0,
            partners: target.id != nil && target.id == partnersCircle)
    }

    /// `network`; a local label; the name the owner gave; a full ID; a unique ID prefix. Names ignore
    /// case; a label wins over other circles' names (every member of a partner's `partners` circle has
    /// its own too).
    func resolve(_ typed: String) throws -> CircleTarget {
        let text = typed.trimmingWhitespace
        let lowered = text.lowercased()
        if lowered == CircleRef.networkName { return .network }
        let labelled = labels.filter { $0.value.lowercased() == lowered }.map(\.key)
        if labelled.count == 1, let only = labelled.first { return .circle(only) }
        let named = Set(labelled + memberships.keys.filter { sharedNames[$0]?.lowercased() == lowered })
        if named.count == 1, let only = named.first { return .circle(only) }
        if named.count > 1 { throw NodeError.ambiguousCircle(text, candidates: candidates(named)) }
        if let id = CircleID(text), memberships[id] != nil { return .circle(id) }
        if lowered.hasPrefix("x_"), lowered.count > 2 {
            let matching = Set(memberships.keys.filter { $0.description.lowercased().hasPrefix(lowered) })
            if matching.count == 1, let only = matching.first { return .circle(only) }
            if matching.count > 1 { throw NodeError.ambiguousCircle(text, candidates: candidates(matching)) }
        }
        throw NodeError.unknownCircle(text)
    }

    private func candidates(_ circles: Set<CircleID>) -> [String] {
        circles.sorted().map { circle in
            let shown = name(circle)
            let shared = sharedNames[circle].map { $0 == shown ? "" : " (\($0))" } ?? ""
            return "\(circle)  \(shown)\(shared)"
        }
    }

    /// Whether a record of `referrer` may refer to a record of `target`: the target is the network, the
    /// same circle, or a circle whose members include every member of the referrer's.
    func mayRefer(from referrer: CircleID?, to target: CircleID?) -> Bool {
        guard let target, target != referrer else { return true }
        guard let referrer, let wide = memberships[target], let narrow = memberships[referrer] else { return false }
        return Set(narrow.members).isSubset(of: Set(wide.members))
    }

    /// Why a record of `referrer` may not name `entity` (a record of `target`), and what to do.
    func referenceRefusal(from referrer: CircleID?, to entity: EntityID, in target: CircleID?) -> NodeError {
        let from = referrer.map { "circle \"\(name($0))\"" } ?? "the network"
        let to = target.map { "circle \"\(name($0))\"" } ?? "the network"
        let kind = entity.kind == .contact ? "contact" : "record"
        return .circleReference(
            "\(entity) is a \(kind) of \(to), which does not include every member of \(from): naming it there would show its ID to "
                + "members outside \(to). Move the \(kind) into \(referrer.map { "\"\(name($0))\"" } ?? "the network") or a wider circle "
                + "(`siding move \(entity) --to \(referrer.map { "\"\(name($0))\"" } ?? "network")`), or put the new record in \(to) with --circle")
    }
}
