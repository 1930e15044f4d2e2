/// Why an address-book file cannot be read as a whole; a record that cannot be read is an
/// `InterchangeItem.unreadable` instead, and the rest of the file still imports.
public enum InterchangeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes of `line` are not text in `charset`: the file is refused whole, never half-decoded.
    case undecodable(line: Int, charset: String)
    /// `--charset NAME` names an encoding this system cannot decode.
    case unknownCharset(String)
    /// A CSV header no known layout matches, and no `--map` says which column is which.
    case unknownLayout(header: [String])
    /// `--map COLUMN=FIELD` names a column the header does not have.
    case mappedColumnMissing(column: String, header: [String])
    /// `--map COLUMN=FIELD` names a field contacts do not have.
    case mappedFieldUnknown(field: String)
    /// The file is not in the format that was asked for (or, asked for none, in any format read here).
    case notAContactFile(expected: String, fileName: String)
    /// A format these readers do not read (JSON Lines is read by the import pipeline itself).
    case formatNotReadHere(ContactFileFormat)

    public var description: String {
        switch self {
        case .undecodable(let line, let charset):
            "line \(line) is not valid \(charset); give the file's encoding with --charset (e.g. --charset windows-1252 "
                + "or --charset shift_jis)"
        case .unknownCharset(let name):
            "'\(name)' is not an encoding this system knows; use a name such as utf-8, utf-16le, windows-1252, "
                + "iso-8859-2 or shift_jis"
        case .unknownLayout(let header):
            "the CSV header is not one of Google's, Outlook's or Thunderbird's (columns: \(Self.list(header))); say which "
                + "column holds which field with --map, e.g. --map \"\(Self.example(header))=name\" --map \"E-mail=emails\""
        case .mappedColumnMissing(let column, let header):
            "--map names the column '\(column)', which the header does not have (columns: \(Self.list(header)))"
        case .mappedFieldUnknown(let field):
            "--map names the field '\(field)', which contacts do not have; the fields are "
                + "\(ContactFieldNames.all.joined(separator: ", "))"
        case .notAContactFile(let expected, let fileName):
            "\(fileName) is not \(expected); give its format with --format (vcard, google-csv, outlook-csv, "
                + "thunderbird-csv, csv or jsonl)"
        case .formatNotReadHere(let format):
            "the \(format.rawValue) format is not read by the address-book readers"
        }
    }

    private static func list(_ header: [String]) -> String {
        let shown = header.prefix(12).map { "'\($0)'" }.joined(separator: ", ")
        return header.count > 12 ? shown + ", … (\(header.count) in all)" : shown
    }

    private static func example(_ header: [String]) -> String { header.first { !$0.isEmpty } ?? "Name" }
}
