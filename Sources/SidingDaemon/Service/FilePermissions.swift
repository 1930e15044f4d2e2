import Foundation

/// Like ssh with its keys: the daemon will not run with a key, configuration or database that other
/// users can read, nor in a home directory they can list.
enum FilePermissions {
    /// Refuses files that the group or others may read or write.
    static func requirePrivate(_ paths: [String]) throws(DaemonError) {
        for path in paths {
            guard let mode = mode(of: path) else { continue }
            if mode & 0o077 != 0 { throw .unsafePermissions(path: path, mode: mode) }
        }
    }

    /// Refuses a directory others may read or enter; its group may (a shared socket's group needs to).
    static func requireClosedToOthers(_ directory: String) throws(DaemonError) {
        guard let mode = mode(of: directory) else { return }
        if mode & 0o007 != 0 { throw .unsafePermissions(path: directory, mode: mode) }
    }

    private static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }
}
