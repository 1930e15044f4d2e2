import SidingAPI
import SidingCore

/// How each resource looks in a terminal.
enum Views {
    static func contactRecord(_ contact: ContactResource) -> [(String, String)] { record(contact) }

    /// A note's text comes last, below its status, as it may run to pages.
    static func noteRecord(_ note: NoteResource) -> [(String, String)] { record(note, shownLast: NoteSchema.body) }

    /// Every declared field in schema order, then whether the record is deleted or in conflict, then `shownLast`.
    static func record<Kind>(_ record: RecordResource<Kind>, shownLast: FieldSpec? = nil) -> [(String, String)] {
        func pair(_ field: FieldSpec) -> (String, String) {
            (field.name, field.isSet ? record.members(field).map { named($0, record.names) }.joined(separator: ", ") : record.text(field))
        }
        var pairs = [("id", record.id)] + Kind.schema.fields.filter { $0 != shownLast }.map(pair)
        if let circle = record.circle { pairs.append(("circle", circle.displayName)) }
        if record.deleted { pairs.append(("deleted", "yes")) }
        if let target = record.mergedInto { pairs.append(("merged into", named(target, record.names))) }
        if !record.conflicts.isEmpty { pairs.append(("conflicts", record.conflicts.joined(separator: ", ") + " (see `siding conflicts`)")) }
        if let shownLast { pairs.append(pair(shownLast)) }
        return pairs
    }

    static func contactTable(_ contacts: [ContactResource]) -> String {
        typealias Field = ContactSchema
        var table = Table("ID", "NAME", "ORGANIZATION", "ROLE", "COUNTRY", "TAGS", "CIRCLE")
        for c in contacts {
            table.add(
                c.id, c.text(Field.name), c.text(Field.organization), c.text(Field.role), c.text(Field.country),
                c.members(Field.tags).joined(separator: ","), c.circle?.displayName ?? "")
        }
        return table.render()
    }

    static func noteTable(_ notes: [NoteResource]) -> String {
        typealias Field = NoteSchema
        var table = Table("ID", "DATE", "TITLE", "CONFLICT", "PARTICIPANTS", "CIRCLE")
        for n in notes {
            table.add(
                n.id, n.text(Field.date), n.text(Field.title), n.text(Field.conflict), String(n.members(Field.participants).count),
                n.circle?.displayName ?? "")
        }
        return table.render()
    }

    static func searchTable(_ results: [SearchResult]) -> String {
        var table = Table("ID", "KIND", "TITLE", "MATCH")
        for r in results { table.add(r.id, r.kind, r.title, r.snippet) }
        return table.render()
    }

    /// Says that a result list was cut, if it was.
    static func searchCut(shown: Int, total: Int) -> String? {
        total > shown ? "\(shown) of \(total) shown; --limit N shows up to N (at most 1000)" : nil
    }

    static func digest(_ digest: DigestResource) -> String {
        [
            "view    \(digest.viewDigest)  (\(digest.entities) contacts and notes)",
            "changes \(digest.vectorDigest)  (\(digest.changes) changes from \(digest.origins) nodes)",
        ].joined(separator: "\n")
    }

    static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<120: "\(Int(seconds)) s"
        case ..<7_200: "\(Int(seconds / 60)) min"
        case ..<172_800: "\(Int(seconds / 3_600)) h"
        default: "\(Int(seconds / 86_400)) days"
        }
    }

    static func statusText(_ status: StatusResource) -> String {
        var lines = ["node \(status.nodeID) (\(status.name)), listening on \(status.listen), \(status.changes) changes held"]
        for equivocation in status.equivocations {
            lines.append(
                "WARNING: node \(equivocation.origin) signed two different changes as #\(equivocation.seq) (restored backup or stolen key); both kept as evidence"
            )
        }
        for peer in status.peers {
            guard let offset = peer.clockOffsetSeconds, abs(offset) > 60 else { continue }
            lines.append(
                "WARNING: \(peer.name)'s clock is \(Self.duration(abs(offset))) \(offset > 0 ? "ahead of" : "behind") this machine's; "
                    + "nothing is dropped, but among concurrent edits the later clock is shown first: check NTP on both machines")
        }
        if let lock = status.editsLocked { lines.append("EDITS LOCKED: \(lock)") }
        if let notice = status.sharingNotice { lines.append(notice) }
        if let erased = status.erased, erased > 0 {
            lines.append("\(erased) record\(erased == 1 ? "" : "s") erased (`siding contact list --erased`, `siding note list --erased`)")
        }
        if let unvouched = status.unvouched, unvouched > 0 {
            lines.append(
                "\(unvouched) redacted network change\(unvouched == 1 ? "" : "s") held until the erasure order that vouches for "
                    + "\(unvouched == 1 ? "it" : "them") arrives (what else \(unvouched == 1 ? "it writes" : "they write") is not shown yet)")
        }
        guard !status.peers.isEmpty else {
            return (lines + ["no partners; add one with `siding peer add NODE_ID --name NAME --address HOST:PORT`"]).joined(separator: "\n")
        }
        var table = Table("PARTNER", "NODE ID", "ADDRESS", "CONNECTED", "LAST HEARD", "LAST SYNC", "MISSING HERE", "MISSING THERE", "LAST ERROR")
        for peer in status.peers {
            let connected = peer.connected ? "yes" : (peer.backoffSeconds.map { "no (retry in \(Int($0.rounded())) s)" } ?? "no")
            // Unknown until the partner's summary was seen: a partner that never connected is not "0 missing".
            table.add(
                peer.name, String(peer.nodeID.prefix(11)), peer.address ?? "(dials in)", connected,
                peer.lastHeard.map { LocalTime.format($0) } ?? "never",
                peer.lastSync.map { LocalTime.format($0) } ?? "never", peer.missingHere.map(String.init) ?? "unknown",
                peer.missingThere.map(String.init) ?? "unknown",
                peer.lastError ?? "")
        }
        return (lines + [table.render()]).joined(separator: "\n")
    }
}
