import Foundation

/// Like ssh with its keys: the daemon will not run with a key or configuration that other users can read.
enum FilePermissions {
    static func requirePrivate(_ paths: [String]) throws(DaemonError) {
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            let mode = info.st_mode & 0o777
            if mode & 0o077 != 0 { throw .unsafePermissions(path: path, mode: mode) }
        }
    }
}
