import Foundation
import SidingInterchange
import Testing

/// Reads every file of the shared interchange corpus when it is there (it is not in the project: its
/// licences differ) and prints per file what came out; CI, without it, skips this.
@Suite struct CorpusSurveyTests {
    static let folder = "/work/shared/interchange"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: folder)))
    func everyCorpusFileReadsWithEveryRecordAccountedFor() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder).filter { !$0.hasSuffix(".md") }.sorted()
        var table = ["| file | format | charset | records | contacts | unreadable | notices |", "|---|---|---|---|---|---|---|"]
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(Self.folder)/\(name)")))
            do {
                var options = ContactFileOptions()
                var refusal = ""
                do {
                    _ = try readFile(bytes, name: name)
                } catch .undecodable {
                    // What the user is told to do next: give the charset.
                    options.charset = name.hasSuffix(".csv") ? "shift_jis" : "windows-1252"
                    refusal = "refused without --charset; with --charset \(options.charset ?? ""): "
                }
                let whole = try readFile(bytes, name: name, options: options)
                let byteByByte = try readFile(bytes, name: name, options: options, chunk: 7)
                #expect(whole.items == byteByByte.items, "\(name): chunked reading differs")
                let unreadable = whole.items.compactMap { item -> String? in
                    if case .unreadable(let position, let reason) = item { "#\(position): \(reason)" } else { nil }
                }
                if ProcessInfo.processInfo.environment["SURVEY_VERBOSE"] != nil {
                    for contact in whole.contacts { print("  \(name) #\(contact.position): \(contact.fields) \(contact.sets)") }
                }
                let notices = Set(whole.contacts.flatMap(\.notices)).sorted()
                table.append(
                    "| \(name) | \(whole.formatDescription) | \(refusal)\(whole.charsetDescription) | \(whole.items.count) | "
                        + "\(whole.contacts.count) | \(unreadable.isEmpty ? "0" : unreadable.joined(separator: "; ")) | "
                        + "\(notices.joined(separator: "; ")) |")
            } catch {
                table.append("| \(name) | refused: \(error) | | | | | |")
            }
        }
        print(table.joined(separator: "\n"))
    }
}
