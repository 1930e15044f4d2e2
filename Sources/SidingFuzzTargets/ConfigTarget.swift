import SidingAPI
import SidingDaemon

extension FuzzTargets {
    /// `config`: the input as `siding.toml`, through the TOML subset parser and the daemon's
    /// configuration. A configuration that parses must read back the same from the file `siding init`
    /// would write for it.
    public static func config(_ input: UnsafeRawBufferPointer) {
        let text = String(decoding: input, as: UTF8.self)
        _ = try? TOMLDocument(parsing: text, file: "fuzz.toml")
        guard let configuration = try? Configuration(parsing: text, file: "fuzz.toml") else { return }
        let reread = Result { () throws(DaemonError) in try Configuration(parsing: configuration.fileText, file: "written.toml") }
        guard case .success(configuration) = reread else {
            invariantBroken("config", "\(configuration) written and read back gives \(reread)")
        }
    }
}
