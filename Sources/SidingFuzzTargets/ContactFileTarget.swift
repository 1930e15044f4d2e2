import SidingInterchange

extension FuzzTargets {
    /// `vcard`: the input (after one control byte that picks the chunk sizes, see `ChunkSizes`) as a
    /// vCard file through `ContactFileReaders`. Reading it in chunks must give exactly what reading it
    /// whole gives (the same items or the same error), and every contact read, written as a vCard 4.0
    /// and read again, must be one contact with the same Siding ID.
    public static func vcard(_ input: UnsafeRawBufferPointer) {
        let contacts = readBothWays("vcard", input, options: ContactFileOptions(format: .vcard), fileName: "fuzz.vcf")
        let writer = ContactFileWriter(format: .vcard)
        for contact in contacts {
            let written = Array(writer.write(contact).utf8)
            let reread = Result { () throws(InterchangeError) in
                try readAll(written[...], options: ContactFileOptions(format: .vcard), fileName: "w.vcf", pieces: [written[...]])
            }
            guard case .success(let items) = reread, items.count == 1, case .contact(let back) = items[0], back.sidingID == contact.sidingID else {
                invariantBroken("vcard", "\(contact) written as \(String(decoding: written, as: UTF8.self)) reads back as \(reread)")
            }
        }
    }

    /// `csv`: the input (after the control byte) as a CSV file, its layout detected from the header,
    /// through `ContactFileReaders`; chunked and whole reading must agree.
    public static func csv(_ input: UnsafeRawBufferPointer) {
        _ = readBothWays("csv", input, options: ContactFileOptions(), fileName: "fuzz.csv")
    }

    /// The contacts of the file, after checking that chunked and whole reading agree.
    private static func readBothWays(
        _ target: String, _ input: UnsafeRawBufferPointer, options: ContactFileOptions, fileName: String
    ) -> [InterchangeContact] {
        guard let control = input.first else { return [] }
        let file = Array(input.dropFirst())
        let whole = Result { () throws(InterchangeError) in try readAll(file[...], options: options, fileName: fileName, pieces: [file[...]]) }
        let chunked = Result { () throws(InterchangeError) in
            try readAll(file[...], options: options, fileName: fileName, pieces: ChunkSizes.pieces(of: file, control: control))
        }
        guard whole == chunked else {
            invariantBroken(target, "chunks (control \(control)) gave \(chunked), the whole file \(whole)")
        }
        guard case .success(let items) = whole else { return [] }
        return items.compactMap { if case .contact(let contact) = $0 { contact } else { nil } }
    }

    private static func readAll(
        _ file: ArraySlice<UInt8>, options: ContactFileOptions, fileName: String, pieces: [ArraySlice<UInt8>]
    ) throws(InterchangeError) -> [InterchangeItem] {
        var reader = try ContactFileReaders.reader(for: options, firstBytes: file.prefix(65_536), fileName: fileName)
        var items: [InterchangeItem] = []
        for piece in pieces { items += try reader.read(piece) }
        return items + (try reader.finish())
    }
}
