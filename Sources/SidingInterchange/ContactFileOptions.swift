/// What the user said about a file to import: its format, its encoding, and which CSV column is which.
public struct ContactFileOptions: Sendable {
    /// nil: detected from the file's first bytes and name.
    public var format: ContactFileFormat?
    /// An encoding name (`--charset`) that overrides detection: utf-8, utf-16le, windows-1252, shift_jis, …
    public var charset: String?
    /// `--map COLUMN=FIELD`: CSV column header → contact field name (or alias). Overrides a detected layout.
    public var mapping: [String: String]

    public init(format: ContactFileFormat? = nil, charset: String? = nil, mapping: [String: String] = [:]) {
        self.format = format
        self.charset = charset
        self.mapping = mapping
    }
}
