import Foundation

/// Escalation of unacknowledged alarms through the `[[escalation]]` tiers. Times are seconds on
/// the notifier's monotonic clock, passed in.
struct Escalator: Sendable {
  struct Due: Sendable, Equatable {
    var occurrence: Occurrence
    /// 0-based index into the tiers.
    var tier: Int
    var actions: [String]
  }

  private struct Entry: Sendable {
    var startedAt: Double
    /// Tiers already fired (the first `fired` of them).
    var fired = 0
    /// Acknowledged: no further tiers, but the escalated actions still hear the ack and clear.
    var stopped = false
    /// Escalation actions told about this occurrence.
    var notified: Set<String> = []
  }

  let tiers: [EscalationTier]
  private var entries: [Occurrence: Entry] = [:]

  init(tiers: [EscalationTier]) {
    self.tiers = tiers
  }

  mutating func start(_ occurrence: Occurrence, now: Double) {
    guard entries[occurrence] == nil else { return }
    entries[occurrence] = Entry(startedAt: now)
  }

  /// An acknowledgement: escalation stops here.
  mutating func acknowledge(_ occurrence: Occurrence) {
    entries[occurrence]?.stopped = true
  }

  /// The occurrence ended; returns the escalation actions that were told about it.
  @discardableResult mutating func end(_ occurrence: Occurrence) -> Set<String> {
    entries.removeValue(forKey: occurrence)?.notified ?? []
  }

  func notified(_ occurrence: Occurrence) -> Set<String> {
    entries[occurrence]?.notified ?? []
  }

  mutating func markNotified(_ occurrence: Occurrence, action: String) {
    entries[occurrence]?.notified.insert(action)
  }

  /// An earlier run of the notifier had paged (or owed a page to) `notified` for this
  /// occurrence: they hear its ack and clear, and the leading tiers whose actions are all among
  /// them count as fired, so a restart does not page them again.
  mutating func restore(_ occurrence: Occurrence, notified: Set<String>) {
    guard var entry = entries[occurrence] else { return }
    entry.notified.formUnion(notified)
    var fired = entry.fired
    while fired < tiers.count, !tiers[fired].actions.isEmpty,
      Set(tiers[fired].actions).isSubset(of: entry.notified)
    {
      fired += 1
    }
    entry.fired = fired
    entries[occurrence] = entry
  }

  /// The tiers whose time has come at `now`, oldest occurrence first. A tier is due once per
  /// occurrence; several may be due at once after a pause (each fires).
  mutating func due(now: Double) -> [Due] {
    var result: [Due] = []
    for (occurrence, entry) in entries.sorted(by: { $0.value.startedAt < $1.value.startedAt })
    where !entry.stopped {
      var fired = entry.fired
      while fired < tiers.count, now - entry.startedAt >= tiers[fired].afterSeconds {
        result.append(Due(occurrence: occurrence, tier: fired, actions: tiers[fired].actions))
        fired += 1
      }
      entries[occurrence]?.fired = fired
    }
    return result
  }
}
