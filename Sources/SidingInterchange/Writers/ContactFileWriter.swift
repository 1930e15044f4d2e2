/// Export: one record at a time, so an export streams too.
///
/// `.vcard` writes vCard 4.0 and `.vcard3` vCard 3.0; both hold every field and read back the same.
/// `.googleCSV`, `.outlookCSV` and `.thunderbirdCSV` write those tools' headers, so the tools import
/// them; they cannot hold everything, see `CSVExportLayout`. `.csv` writes one column per field, named
/// as the field. Every format carries Siding's ID (vCard `UID:urn:siding:<id>`, a "Siding ID" column)
/// so that importing one's own export matches instead of creating. `.jsonl` writes one JSON object per
/// line keyed as the local API keys contacts.
public struct ContactFileWriter: Sendable {
    public let format: ContactFileFormat

    public init(format: ContactFileFormat) { self.format = format }

    /// The CSV header line with its line end; "" for vCard and JSON Lines.
    public var header: String {
        guard let layout = CSVExportLayout(format: format) else { return "" }
        return CSVExport.row(layout.columns.map(\.title))
    }

    /// One vCard (CRLF, folded at 75 octets, escaped), one CSV row or one JSON line, with its line end.
    public func write(_ contact: InterchangeContact) -> String {
        switch format {
        case .vcard: VCardExport.card(contact, version4: true)
        case .vcard3: VCardExport.card(contact, version4: false)
        case .jsonl: JSONLinesWriter(kind: .contact).write(contact)
        case .googleCSV, .outlookCSV, .thunderbirdCSV, .csv:
            CSVExportLayout(format: format).map { layout in CSVExport.row(layout.columns.map { $0.value(contact) }) } ?? ""
        }
    }
}
