import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Who may change things: reads need only a connection (socket mode 0660, group `dosed`);
/// control requests need uid 0 or membership of the admin group, checked on every request from
/// the kernel's `SO_PEERCRED` credentials (which a client cannot forge).
struct AccessPolicy: Sendable {
  let adminGroup: String
  /// Group ids a user belongs to (primary and supplementary), by name and primary gid.
  let groupsOf: @Sendable (String, UInt32) -> [UInt32]
  /// The admin group's id, nil when the system has no such group (then only root may act).
  let groupID: @Sendable (String) -> UInt32?

  init(
    adminGroup: String,
    groupsOf: @escaping @Sendable (String, UInt32) -> [UInt32] = AccessPolicy.systemGroups,
    groupID: @escaping @Sendable (String) -> UInt32? = AccessPolicy.systemGroupID
  ) {
    self.adminGroup = adminGroup
    self.groupsOf = groupsOf
    self.groupID = groupID
  }

  /// Why `peer` may not run a control command, or nil when it may.
  func refusal(for peer: PeerCred?, command: String) -> String? {
    guard let peer else {
      return "\(command) needs a caller the kernel can identify (SO_PEERCRED failed)"
    }
    if peer.uid == 0 { return nil }
    let name = PeerCredentials.userName(peer.uid)
    if let gid = groupID(adminGroup) {
      if peer.gid == gid || groupsOf(name, peer.gid).contains(gid) { return nil }
    }
    return "\(command) needs membership of group '\(adminGroup)' (or root); \(name) "
      + "(uid \(peer.uid)) is not a member"
  }

  static func systemGroupID(_ name: String) -> UInt32? {
    var entry = group()
    var result: UnsafeMutablePointer<group>?
    var buffer = [CChar](repeating: 0, count: 16384)
    guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else {
      return nil
    }
    return entry.gr_gid
  }

  /// `getgrouplist`: the user's groups from the system's group database.
  static func systemGroups(_ user: String, _ primary: UInt32) -> [UInt32] {
    var count: Int32 = 64
    for _ in 0..<4 {
      var groups = [gid_t](repeating: 0, count: Int(count))
      var found = count
      if getgrouplist(user, primary, &groups, &found) >= 0 {
        return Array(groups.prefix(Int(found)))
      }
      count = Swift.max(found, count * 2)
    }
    return [primary]
  }
}
