import SidingCore

/// A dialogue note as a Markdown file: YAML front matter (every text value a double-quoted string,
/// participants by ID with their names beside them), then the body.
public enum NoteMarkdown {
    public static func file(_ note: InterchangeContact, participantNames: [String: String]) -> String {
        var text = "---\n"
        text += "id: \(JSONText.quoted(note.sidingID ?? ""))\n"
        for field in NoteSchema.schema.fields where field.name != NoteSchema.body.name {
            if field.isSet {
                let elements = note.sets[field.name] ?? []
                text += "\(field.jsonKey): [" + elements.map(JSONText.quoted).joined(separator: ", ") + "]\n"
                if field.shape == .contactID, !elements.isEmpty {
                    text += "participant_names: [" + elements.map { JSONText.quoted(participantNames[$0] ?? "") }.joined(separator: ", ") + "]\n"
                }
            } else {
                text += "\(field.jsonKey): \(JSONText.quoted(note.fields[field.name] ?? ""))\n"
            }
        }
        text += "---\n\n"
        let body = note.fields[NoteSchema.body.name] ?? ""
        return text + body + (body.hasSuffix("\n") || body.isEmpty ? "" : "\n")
    }

    /// A file name safe on every common file system: the date, a slug of the title's letters and
    /// digits (ASCII only; none for a title in another script), and the note's ID, which makes it unique.
    public static func fileName(_ note: InterchangeContact) -> String {
        var slug = ""
        for scalar in (note.fields[NoteSchema.title.name] ?? "").lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
            if slug.count >= 60 { break }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        let date = note.fields[NoteSchema.date.name].flatMap { CalendarDate($0) != nil ? $0 : nil }
        let parts = [date, slug.isEmpty ? nil : slug, note.sidingID ?? "note"].compactMap { $0 }
        return parts.joined(separator: "-") + ".md"
    }
}
