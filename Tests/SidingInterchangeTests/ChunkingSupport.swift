import SidingInterchange
import SidingTestKit
import Testing

/// Reads the file whole, one byte at a time, and in seeded random chunk sizes, expects the same items,
/// format and charset every way, and returns the whole read.
func readEveryWay(
    _ bytes: [UInt8], name: String = "contacts.vcf", options: ContactFileOptions = ContactFileOptions(),
    sourceLocation: SourceLocation = #_sourceLocation
) throws(InterchangeError) -> ReadResult {
    let whole = try readFile(bytes, name: name, options: options)
    var sizes: [Int] = [1, 2, 3, 5, 64]
    var generator = SeededGenerator(seed: UInt64(bytes.count))
    sizes += (0..<3).map { _ in Int.random(in: 1...17, using: &generator) }
    for size in sizes {
        let chunked = try readFile(bytes, name: name, options: options, chunk: size)
        #expect(chunked.items == whole.items, "chunks of \(size) bytes", sourceLocation: sourceLocation)
        #expect(chunked.charsetDescription == whole.charsetDescription, sourceLocation: sourceLocation)
        #expect(chunked.formatDescription == whole.formatDescription, sourceLocation: sourceLocation)
    }
    return whole
}

func readEveryWay(
    _ text: String, name: String = "contacts.vcf", options: ContactFileOptions = ContactFileOptions(),
    sourceLocation: SourceLocation = #_sourceLocation
) throws(InterchangeError) -> ReadResult {
    try readEveryWay(Array(text.utf8), name: name, options: options, sourceLocation: sourceLocation)
}

/// The only contact a file gave.
func onlyContact(_ result: ReadResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> InterchangeContact {
    #expect(result.items.count == 1, "items: \(result.items)", sourceLocation: sourceLocation)
    return try #require(result.contacts.first, sourceLocation: sourceLocation)
}
