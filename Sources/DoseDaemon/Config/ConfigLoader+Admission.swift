/// `[daemon]` keys of connection admission: who may take the socket's places.
extension ConfigLoader {
  /// Reads `max_watchers`, `reserved_clients`, `max_clients_per_user` and `login_grace_s`
  /// after `max_clients`. Defaults, all project choices:
  /// - `max_watchers` 64: the same as `max_clients`. A watcher is one event stream (at most
  ///   1024 events buffered); a ward has a screen or two, `dosed-notify` and a few `dosectl
  ///   watch` terminals.
  /// - `reserved_clients` 8 (of each kind; fewer when `max_clients` or `max_watchers` leave
  ///   no place to readers otherwise): root and the admin group get in while readers hold
  ///   every other place. PostgreSQL reserves 3 for superusers; a ward's RSO, physicists and
  ///   their scripts act at once during an incident, so more.
  /// - `max_clients_per_user` 16: a reader's dashboards and scripts need a few; 16 is a
  ///   quarter of the default places, so one user (one compromised account, one runaway
  ///   script) cannot lock out the others.
  /// - `login_grace_s` 10: every known client sends its first line within milliseconds of
  ///   connecting (dosectl, scripts piping into socat); 10 s leaves room for a loaded machine
  ///   and a person pasting a line into an interactive socat, and frees a place held by a
  ///   connection that sends nothing 30 times sooner than the idle timeout. sshd allows 120 s
  ///   because a person types a password; here the kernel vouches for the caller at once.
  static func parseAdmission(
    _ table: ConfigTable, into section: inout DaemonSection
  ) throws(ConfigError) {
    if let watchers = try table.integer("max_watchers") {
      try table.require(
        watchers >= 1 && watchers <= 10_000, "max_watchers",
        "must be between 1 and 10000, found \(watchers)")
      section.clients.maxWatchers = watchers
    }
    // Readers keep at least one place of each kind.
    let most = Swift.min(section.clients.maxClients, section.clients.maxWatchers) - 1
    if let reserved = try table.integer("reserved_clients") {
      try table.require(
        reserved >= 0 && reserved <= most, "reserved_clients",
        "must be between 0 and \(most) (one less than max_clients and max_watchers, so "
          + "readers keep a place), found \(reserved)")
      section.clients.reservedClients = reserved
    }
    if let perUser = try table.integer("max_clients_per_user") {
      try table.require(
        perUser >= 1 && perUser <= 10_000, "max_clients_per_user",
        "must be between 1 and 10000, found \(perUser)")
      section.clients.maxClientsPerUser = perUser
    }
    if let grace = try table.number("login_grace_s") {
      try table.require(
        grace >= 1, "login_grace_s", "must be at least 1 s, found \(fmt(grace))")
      section.clients.loginGraceSeconds = grace
    }
  }
}
