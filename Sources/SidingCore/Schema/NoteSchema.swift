/// A dialogue note: what was said at a meeting, by whom, about which conflict.
public enum NoteSchema: DeclaredKind {
    public static let title = FieldSpec("title", json: "title", max: .characters(300))
    public static let date = FieldSpec("date", json: "date", max: .characters(10), shape: .date, searched: false)
    public static let conflict = FieldSpec("conflict", json: "conflict", max: .characters(200))
    public static let location = FieldSpec("location", json: "location", max: .characters(200))
    public static let participants = FieldSpec(
        "participants", json: "participants", .set, max: .characters(32), shape: .contactID, aliases: ["participant"], searched: false)
    public static let tags = Schema.tags
    public static let body = FieldSpec("body", json: "body", max: .bytes(200_000), shape: .multilineText)

    public static let schema = RecordSchema(
        kind: .note, fields: [title, date, conflict, location, participants, tags, body], titleField: title, detailField: date)
}
