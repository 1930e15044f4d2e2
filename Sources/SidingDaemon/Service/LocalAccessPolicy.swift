import Foundation

/// Who may use the local API: the daemon's own user, root, and — when group access is on — members of
/// the daemon's group. Checked with SO_PEERCRED on every connection, whatever the socket file's mode.
struct LocalAccessPolicy: Sendable {
    let ownUser: uid_t
    let ownGroup: gid_t
    let groupAccess: Bool

    init(groupAccess: Bool) {
        ownUser = geteuid()
        ownGroup = getegid()
        self.groupAccess = groupAccess
    }

    func allows(user: uid_t, group: gid_t) -> Bool {
        if user == ownUser || user == 0 { return true }
        guard groupAccess else { return false }
        return group == ownGroup || Self.groups(of: user).contains(ownGroup)
    }

    /// Every group `user` belongs to, from the user database.
    static func groups(of user: uid_t) -> [gid_t] {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4_096)
        guard getpwuid_r(user, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else { return [] }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, entry.pw_gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, entry.pw_gid, &groups, &count) >= 0 else { return [] }
        }
        return Array(groups.prefix(Int(count)))
    }
}
