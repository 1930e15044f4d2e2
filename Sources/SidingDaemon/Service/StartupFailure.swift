import Foundation
import NIOCore

/// Turns the socket errors of start-up into one line saying what to change. They are configuration
/// mistakes (exit 78), so systemd does not restart the daemon in a loop over them.
enum StartupFailure {
    /// The longest path a Unix socket address holds on Linux (`sun_path` is 108 bytes with its NUL).
    static let maximumSocketPathBytes = 107

    static func listening(_ error: any Error, address: String) -> any Error {
        guard let code = (error as? IOError)?.errnoCode else {
            if error is SocketAddressError {
                return DaemonError.cannotListen(
                    address: address, advice: "the host name does not resolve; set `listen` in siding.toml to an address of this machine")
            }
            return error
        }
        let advice: String
        switch code {
        case EADDRINUSE: advice = "another program already uses that port; choose a free port for `listen` in siding.toml, or stop the other program"
        case EADDRNOTAVAIL: advice = "that address is not one of this machine's; set `listen` in siding.toml to one of its addresses (or 0.0.0.0)"
        case EACCES: advice = "ports below 1024 need privileges the daemon does not have; choose a port above 1024 for `listen` in siding.toml"
        default: advice = "\(String(cString: strerror(code))); check `listen` in siding.toml"
        }
        return DaemonError.cannotListen(address: address, advice: advice)
    }

    /// Checked before binding: the kernel would only say "path too long".
    static func checkSocketPath(_ path: String) throws(DaemonError) {
        let bytes = path.utf8.count
        guard bytes <= maximumSocketPathBytes else {
            throw .cannotServeSocket(
                path: path,
                advice:
                    "the path is \(bytes) bytes, over the \(maximumSocketPathBytes)-byte limit of Unix sockets; set a shorter `socket` path in siding.toml (or use a home with a shorter path)"
            )
        }
    }

    static func serving(_ error: any Error, socketPath path: String) -> any Error {
        if case SocketAddressError.unixDomainSocketPathTooLong = error {
            return DaemonError.cannotServeSocket(
                path: path, advice: "the path is over the limit of Unix sockets; set a shorter `socket` path in siding.toml")
        }
        guard let code = (error as? IOError)?.errnoCode else { return error }
        let directory = (path as NSString).deletingLastPathComponent
        let advice: String
        switch code {
        case ENOENT, ENOTDIR:
            advice = "the directory \(directory) does not exist; create it, or set `socket` in siding.toml to a path in an existing directory"
        case EACCES, EPERM, EROFS:
            advice = "the daemon's user cannot create files in \(directory); give it write access there, or set `socket` in siding.toml elsewhere"
        default: advice = "\(String(cString: strerror(code))); check `socket` in siding.toml"
        }
        return DaemonError.cannotServeSocket(path: path, advice: advice)
    }
}
