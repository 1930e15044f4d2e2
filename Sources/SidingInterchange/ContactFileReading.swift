/// Reads one file's records as its bytes arrive, never holding the whole file (a 100,000-contact file streams).
///
/// A reader is fed the file from its first byte (the bytes given to `ContactFileReaders.reader` only
/// choose it). Every record comes out as exactly one `InterchangeItem`, whatever the chunk sizes.
/// Sendable, so the import pipeline may hand it from task to task.
public protocol ContactFileReading: Sendable {
    /// Feeds the next chunk (any size, may split a line or a UTF-8/UTF-16 character); returns the records it completed.
    mutating func read(_ chunk: ArraySlice<UInt8>) throws(InterchangeError) -> [InterchangeItem]
    /// The end of the file: the records still open.
    mutating func finish() throws(InterchangeError) -> [InterchangeItem]
    /// The format read, once known (after the first chunk): .vcard, .googleCSV, .outlookCSV, .thunderbirdCSV, .csv.
    var format: ContactFileFormat { get }
    /// For the report: "vCard 3.0", "Google CSV (current header)", "CSV with --map", …
    var formatDescription: String { get }
    /// For the report: "UTF-8", "UTF-8 with byte-order mark", "UTF-16LE (no byte-order mark)",
    /// "windows-1252 (the documented fallback for vCard 2.1)", …
    var charsetDescription: String { get }
}
