import Foundation
import SidingCore
import SidingInterchange

/// A file read in fixed-size chunks, never whole: an address book of 100,000 people is read twice
/// (check, then import) in bounded memory.
final class ChunkedFile {
    static let chunkBytes = 1 << 16
    private let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: ChunkedFile.chunkBytes)
    let path: String

    init(_ path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CLIError("cannot open \(path): \(String(cString: strerror(errno))); check the path and that you may read it")
        }
    }

    deinit { close(descriptor) }

    /// The next chunk; nil at the end of the file.
    func next() throws -> ArraySlice<UInt8>? {
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw CLIError("cannot read \(path): \(String(cString: strerror(errno)))") }
            return count == 0 ? nil : buffer[0..<count]
        }
    }
}

/// A reader of an import file, whatever its format: push chunks in, records out.
protocol ImportFileReader {
    mutating func read(_ chunk: ArraySlice<UInt8>) throws -> [InterchangeItem]
    mutating func finish() throws -> [InterchangeItem]
    /// The layout as the report names it ("vCard 3.0", "JSON Lines").
    var formatDescription: String { get }
    /// The encoding as read, and why when it was not declared.
    var charsetDescription: String { get }
}

extension JSONLinesReader: ImportFileReader {}

/// The formats `--format` names for import, and which reader a file gets.
enum ImportFormat: String, CaseIterable {
    case auto, vcard, googleCSV = "google-csv", outlookCSV = "outlook-csv", thunderbirdCSV = "thunderbird-csv", csv, jsonl

    static let names = allCases.map(\.rawValue).joined(separator: "|")

    /// A reader for the file at `path`, chosen by `--format` or, for `auto`, by its first bytes and name.
    func reader(for kind: EntityKind, path: String, firstBytes: ArraySlice<UInt8>, options: ContactImportOptions) throws -> any ImportFileReader {
        if self == .jsonl || kind == .note || (self == .auto && Self.looksLikeJSONLines(firstBytes, path: path)) {
            if let charset = options.charset, !["utf-8", "utf8"].contains(charset.lowercased()) {
                throw CLIError("JSON Lines files are UTF-8; --charset \(charset) does not apply (convert the file with iconv)")
            }
            return JSONLinesReader(kind: kind)
        }
        let format: ContactFileFormat? = self == .auto ? nil : ContactFileFormat(rawValue: rawValue)
        do {
            let reader = try ContactFileReaders.reader(
                for: ContactFileOptions(format: format, charset: options.charset, mapping: options.mapping), firstBytes: firstBytes,
                fileName: (path as NSString).lastPathComponent)
            return AddressBookReader(base: reader)
        } catch {
            throw CLIError("\(path) is refused: \(error); nothing was imported")
        }
    }

    /// A `.jsonl`/`.ndjson` name, or a first non-blank byte of `{` (a vCard starts with BEGIN, a CSV with its header).
    static func looksLikeJSONLines(_ bytes: ArraySlice<UInt8>, path: String) -> Bool {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return true }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes
        return body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "{")
    }
}

/// How a contacts file is read: `--charset` and `--map` (for CSV).
struct ContactImportOptions {
    var charset: String?
    var mapping: [String: String]
}

/// A vCard or CSV reader (`ContactFileReaders`) as the import pipeline drives it.
struct AddressBookReader: ImportFileReader {
    var base: any ContactFileReading

    mutating func read(_ chunk: ArraySlice<UInt8>) throws -> [InterchangeItem] { try base.read(chunk) }
    mutating func finish() throws -> [InterchangeItem] { try base.finish() }
    var formatDescription: String { base.formatDescription }
    var charsetDescription: String { base.charsetDescription }
}
