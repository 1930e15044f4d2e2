import Foundation

/// Errors that stop the daemon or `init`; each message says what to do, each has its own exit status
/// so systemd can tell a configuration mistake (not worth restarting) from a crash.
public enum DaemonError: Error, Sendable, CustomStringConvertible {
    case nodeExists(home: String)
    case notANode(home: String)
    case config(file: String, line: Int, reason: String)
    case invalidListenAddress(String)
    case key(file: String, reason: String)
    case io(path: String, reason: String)
    case socketInUse(path: String)
    /// The partner listener could not be opened; `advice` says what to change.
    case cannotListen(address: String, advice: String)
    /// The local API socket could not be created; `advice` says what to change.
    case cannotServeSocket(path: String, advice: String)
    case unsafePermissions(path: String, mode: mode_t)
    case damagedDatabase(String)

    /// 78 is EX_CONFIG from sysexits.h: the configuration, not the program, must change; 77
    /// (EX_NOPERM) says a file is readable by others. systemd does not restart either.
    public var exitStatus: Int32 {
        switch self {
        case .unsafePermissions: 77
        case .nodeExists, .notANode, .config, .invalidListenAddress, .key, .socketInUse, .cannotListen, .cannotServeSocket: 78
        case .io: 74
        // EX_DATAERR: the data, not the configuration or the program, is wrong; restarting will not help.
        case .damagedDatabase: 65
        }
    }

    public var description: String {
        switch self {
        case .nodeExists(let home):
            "a node already exists in \(home); use another --home, or move it away if you mean to start over"
        case .notANode(let home):
            "\(home) is not a Siding home (no siding.toml and node.key); create one with `siding init --home \(home) --name NAME`"
        case .config(let file, let line, let reason):
            "\(file):\(line): \(reason); fix the file and start again"
        case .invalidListenAddress(let text):
            "'\(text)' is not a listen address; use HOST:PORT such as 127.0.0.1:7400 or 0.0.0.0:7400"
        case .key(let file, let reason):
            "cannot use the node key \(file): \(reason)"
        case .io(let path, let reason):
            "\(path): \(reason)"
        case .unsafePermissions(let path, let mode):
            "\(path) is readable by other users (mode \(String(mode, radix: 8))); run `chmod \(mode & 0o111 != 0 ? "700" : "600") \(path)` and start again"
        case .damagedDatabase(let description):
            description
        case .cannotListen(let address, let advice):
            "cannot listen for partners on \(address): \(advice)"
        case .cannotServeSocket(let path, let advice):
            "cannot create the local API socket \(path): \(advice)"
        case .socketInUse(let path):
            "another sidingd is already serving \(path); stop it first (or give this node its own --home)"
        }
    }
}
