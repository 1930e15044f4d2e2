import Foundation

/// Where an export goes: standard output (`-`), or a new file that never replaces an existing one.
final class OutputFile {
    private let descriptor: Int32?
    let path: String
    private var buffer = ""

    /// `-` for standard output; else creates `path`, refusing if it exists unless `replacing` (readable
    /// only by its owner: it holds people's details).
    init(_ path: String, replacing: Bool = false) throws {
        self.path = path
        guard path != "-" else {
            descriptor = nil
            return
        }
        let opened = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (replacing ? O_TRUNC : O_EXCL), 0o600)
        guard opened >= 0 else {
            if errno == EEXIST { throw CLIError("\(path) already exists; choose a new file name (exports never overwrite a file)") }
            throw CLIError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = opened
    }

    deinit { if let descriptor { close(descriptor) } }

    var isStandardOutput: Bool { descriptor == nil }

    func write(_ text: String) throws {
        buffer += text
        if buffer.utf8.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        defer { buffer = "" }
        guard let descriptor else { return Printer.write(buffer) }
        var bytes = Array(buffer.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw CLIError("cannot write \(path): \(String(cString: strerror(errno))) (a full disk?)") }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Flushes and makes the file durable.
    func finish() throws {
        try flush()
        if let descriptor, fsync(descriptor) != 0 { throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }
}
