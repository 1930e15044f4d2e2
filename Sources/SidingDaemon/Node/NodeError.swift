import SidingCore
import SidingStore

/// Why the daemon refused a local request; becomes an HTTP status and error code at the API edge.
public enum NodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownID(String)
    case unknownPartner(String)
    case wrongKind(id: String, expected: EntityKind)
    case deleted(String)
    case invalidEdit(EditError)
    case badRequest(String)
    case requestTimedOut(milliseconds: Int64)
    case shuttingDown
    case ownHistoryGap(OwnHistoryGap)
    /// A write into a circle (ID given) of a node restored from a backup, before a member of that circle
    /// showed what it holds of this node's logs there.
    case circleAwaitsRestoreCatchUp(String)
    case storage(String)
    /// What the user typed names no record of these kinds by ID, ID prefix or name.
    case noSuchRecord(String, kinds: [EntityKind])
    /// What the user typed names several records; `candidates` lists them (at most `RecordResolver.candidateLimit`).
    case ambiguous(String, candidates: [RecordSummary], more: Bool)
    /// A search stopped for taking too long, or not started because too many are running.
    case searchRefused(String)
    /// A write into a circle this node is not (or no longer) a member of.
    case notACircleMember(String)
    /// What the user typed names no circle this node is in.
    case unknownCircle(String)
    /// `[sharing] default_circle` names no circle this node is in.
    case unknownDefaultCircle(String)
    /// What the user typed names several circles; each candidate as `name (x_…)`.
    case ambiguousCircle(String, candidates: [String])
    /// A record would refer to a record of a circle narrower than its own; says why and what to do.
    case circleReference(String)
    /// Only a circle's owner admits and removes members; the owner cannot leave.
    case notTheCircleOwner(String)
    /// A write to an erased record: `by` is the node that erased it, `at` when.
    case erased(id: String, by: String, at: String)
    /// An erasure refused: a network record, or one this node neither created nor owns the circle of; says why.
    case notErasable(String)

    public var httpStatus: Int {
        switch self {
        case .unknownID, .unknownPartner, .noSuchRecord: 404
        case .ambiguous: 409
        case .wrongKind, .invalidEdit, .badRequest: 400
        case .deleted: 409
        case .requestTimedOut: 408
        case .shuttingDown, .ownHistoryGap, .circleAwaitsRestoreCatchUp: 503
        case .storage: 500
        case .searchRefused: 422
        case .notACircleMember, .notTheCircleOwner: 403
        case .unknownCircle, .unknownDefaultCircle: 404
        case .ambiguousCircle: 409
        case .circleReference: 409
        case .erased: 409
        case .notErasable: 403
        }
    }

    public var code: String {
        switch self {
        case .unknownID: "unknown_id"
        case .unknownPartner: "unknown_partner"
        case .wrongKind: "wrong_kind"
        case .deleted: "deleted"
        case .invalidEdit: "invalid_field"
        case .badRequest: "bad_request"
        case .requestTimedOut: "request_timeout"
        case .shuttingDown: "shutting_down"
        case .ownHistoryGap(.restoredBackup): "restored_from_backup"
        case .ownHistoryGap(.lostDatabase): "lost_database"
        case .circleAwaitsRestoreCatchUp: "circle_restored_from_backup"
        case .storage: "storage_error"
        case .noSuchRecord: "unknown_id"
        case .ambiguous: "ambiguous"
        case .searchRefused: "search_refused"
        case .notACircleMember: "not_a_member"
        case .unknownCircle, .unknownDefaultCircle: "unknown_circle"
        case .ambiguousCircle: "ambiguous"
        case .circleReference: "circle_reference"
        case .notTheCircleOwner: "not_the_owner"
        case .erased: "erased"
        case .notErasable: "not_erasable"
        }
    }

    public var description: String {
        switch self {
        case .unknownID(let id):
            "no contact or note has ID '\(id)'; find IDs with `siding contact list`, `siding note list` or `siding search`"
        case .wrongKind(let id, let expected):
            "'\(id)' is not a \(expected); use the `siding \(expected == .contact ? "note" : "contact")` commands for it"
        case .deleted(let id):
            "\(id) is deleted; deleted records cannot be edited (bring it back with `siding \(id.hasPrefix("n_") ? "note" : "contact") restore \(id)`)"
        case .invalidEdit(let error): error.description
        case .badRequest(let why): why
        case .requestTimedOut(let milliseconds):
            "the request did not arrive whole within \(milliseconds % 1_000 == 0 ? "\(milliseconds / 1_000) s" : "\(milliseconds) ms") of its first byte; send each request at once"
        case .shuttingDown: "sidingd is shutting down; try again when it is back"
        case .unknownPartner(let id): "\(id) is not a partner of this node; see `siding peer list`"
        case .ownHistoryGap(let gap): "edits are locked: " + NodeError.lockReason(gap)
        case .circleAwaitsRestoreCatchUp(let circle):
            "edits in circle \(circle) are locked: this node was restored from a backup, and a member of that circle may hold "
                + "changes this node made in it after the backup; wait until a member of the circle is connected "
                + "(`siding circle show \(circle)` lists them, `siding status` shows who is connected), run `siding sync --wait`, then retry"
        case .storage(let why): "the database refused the write (\(why)); see `journalctl -u sidingd` or the daemon's log"
        case .searchRefused(let why): why
        case .notACircleMember(let circle):
            "this node is not a member of circle \(circle) (removed, left, or the owner's admission has not arrived yet); `siding circle list` shows the circles it is in"
        case .noSuchRecord(let text, let kinds):
            "'\(text)' is not an ID, ID prefix or name of any \(kinds.map(\.description).joined(separator: " or ")); "
                + "find it with `siding \(kinds.first == .note ? "note" : "contact") list` or `siding search`"
        case .ambiguous(let text, let candidates, let more):
            Self.candidateList(text, candidates, more: more)
        case .unknownCircle(let text):
            "'\(text)' is not the name, ID or ID prefix of a circle this node is in; `siding circle list` shows them "
                + "(`network` means every partner and their partners)"
        case .unknownDefaultCircle(let text):
            "default_circle = \"\(text)\" in siding.toml's [sharing] names no circle this node is in; give --circle, or set it to a name "
                + "from `siding circle list` (or \"network\") and restart sidingd"
        case .ambiguousCircle(let text, let candidates):
            (["'\(text)' matches \(candidates.count) circles; give the circle's ID or a longer ID prefix:"] + candidates.map { "  " + $0 })
                .joined(separator: "\n")
        case .circleReference(let why): why
        case .notTheCircleOwner(let why): why
        case .erased(let id, let node, let time): "\(id) was erased by \(node) at \(time); nothing can be written to it"
        case .notErasable(let why): why
        }
    }

    /// One line per candidate (ID, name, organisation or date), so the user can pick the ID.
    private static func candidateList(_ text: String, _ candidates: [RecordSummary], more: Bool) -> String {
        let kinds = Set(candidates.map(\.id.kind))
        let noun = kinds.count == 1 ? (kinds.first == .note ? "notes" : "contacts") : "records"
        let idWidth = candidates.map(\.id.description.count).max() ?? 0
        let titleWidth = candidates.map(\.title.count).max() ?? 0
        var lines = [
            "'\(text)' matches \(more ? "more than \(candidates.count)" : "\(candidates.count)") \(noun); give the ID or a longer ID prefix:"
        ]
        for candidate in candidates {
            let id = candidate.id.description
            var line = "  " + id + String(repeating: " ", count: idWidth - id.count + 2) + candidate.title
            if !candidate.detail.isEmpty || candidate.deleted {
                line += String(repeating: " ", count: max(0, titleWidth - candidate.title.count) + 2) + candidate.detail
            }
            if candidate.deleted { line += candidate.detail.isEmpty ? "(deleted)" : "  (deleted)" }
            lines.append(line)
        }
        if more { lines.append("  …") }
        return lines.joined(separator: "\n")
    }
}

extension NodeError {
    /// Why edits are locked and what lifts the lock, as `status` and refused edits say it.
    static func lockReason(_ gap: OwnHistoryGap) -> String {
        switch gap {
        case .restoredBackup:
            "this node was restored from a backup and must first learn its own latest changes from a partner; run `siding sync --wait`, then retry"
        case .lostDatabase:
            "this node's database was made anew, but its key had signed changes before (siding.db was lost or deleted); "
                + "a partner that holds those changes must connect and send them back first: add your partners again with "
                + "`siding peer add` and run `siding sync --wait`"
        }
    }
}
