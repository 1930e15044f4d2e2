import SidingAPI
import SidingCore

/// Views that put names beside IDs: people in notes, nodes in history and conflicts.
extension Views {
    /// `Li Wei (c_k3j9x2m4p8q1r5t7)` when the ID's name is known, the ID alone otherwise.
    static func named(_ id: String, _ names: [String: String]) -> String {
        guard let name = names[id], !name.isEmpty else { return id }
        return "\(name) (\(id))"
    }

    /// A node's name from the partner list (or this node's own), else the first group of its ID.
    static func node(_ id: String, name: String?) -> String { name.flatMap { $0.isEmpty ? nil : $0 } ?? String(id.prefix(11)) }

    /// A contact, then the notes the person took part in, newest first.
    static func contactRecord(_ contact: ContactResource, notes: [NoteResource]) -> [(String, String)] {
        var pairs = contactRecord(contact)
        let lines = notes.map { note in
            [note.id, note.text(NoteSchema.date), note.text(NoteSchema.title)].filter { !$0.isEmpty }.joined(separator: "  ")
        }
        pairs.append(("notes", lines.isEmpty ? "(none)" : lines.joined(separator: "\n")))
        return pairs
    }

    static func historyTable(_ items: [HistoryItem]) -> String {
        var table = Table("TIME", "NODE", "SEQ", "FIELD", "ACTION", "VALUE", "CURRENT")
        for i in items {
            let value = i.valueName.map { "\($0) (\(i.value ?? ""))" } ?? i.value ?? ""
            table.add(
                LocalTime.format(i.time), node(i.node, name: i.nodeName), String(i.seq), i.field, i.action, value, i.current ? "yes" : "")
        }
        return table.render()
    }

    /// Every conflicted field with all its values, then for multi-line fields (a note's body) a line diff
    /// of each other value against the one shown, and how to resolve each kind of conflict.
    static func conflictReport(_ items: [ConflictItem]) -> String {
        var table = Table("ID", "RECORD", "FIELD", "VALUE", "NODE", "TIME", "SHOWN")
        var sections: [String] = []
        for item in items {
            let isTombstone = item.field == EntityState.deletedField
            for (index, value) in item.values.enumerated() {
                let shown = isTombstone ? (value.value == EntityState.deletedValue ? "deleted" : "restored") : value.value
                table.add(
                    item.id, item.title ?? "", item.field, shown, node(value.node, name: value.nodeName), LocalTime.format(value.time),
                    index == 0 ? "yes" : "")
            }
            let kind = Schema.record(of: EntityID(item.id)?.kind ?? .contact)
            if isTombstone {
                let noun = item.kind
                sections.append(
                    "\(item.id) was deleted on one node and restored on another; it stays deleted until you choose: "
                        + "`siding \(noun) restore \(item.id)` or `siding \(noun) delete \(item.id)`")
            } else if item.field == ContactSchema.mergedInto.name {
                sections.append(
                    "\(item.id) was merged on two nodes at once; `siding contact delete \(item.id)` settles where it points "
                        + "(the value shown), or `siding contact restore \(item.id)` brings it back")
            } else if kind?.field(named: item.field)?.shape == .multilineText, let shown = item.values.first {
                for other in item.values.dropFirst() {
                    let header =
                        "\(item.id) \(item.field): shown (from \(node(shown.node, name: shown.nodeName))) "
                        + "→ other value (from \(node(other.node, name: other.nodeName)))"
                    let lines = LineDiff.render(LineDiff.diff(shown.value, other.value))
                    sections.append(([header] + lines.map { "  " + $0 }).map { TerminalText.escape($0) }.joined(separator: "\n"))
                }
            }
        }
        return ([table.render()] + sections).joined(separator: "\n\n")
    }
}
