import DoseProtocol
import Foundation

/// The active alarms as dosed last listed them, and what changed since: the notifier's memory
/// of the ward. dosed's list is the truth; the book only turns two lists into events, so an
/// alarm raised, acknowledged or cleared while the notifier was away is still told, once per
/// occurrence (an id with its `since`).
struct AlarmBook: Sendable {
  struct Change: Sendable, Equatable {
    var cleared: [AlarmView] = []
    var raised: [AlarmView] = []
    var acknowledged: [AlarmView] = []

    var isEmpty: Bool { cleared.isEmpty && raised.isEmpty && acknowledged.isEmpty }
  }

  private(set) var active: [String: AlarmView] = [:]

  /// Replaces the book with dosed's list. An alarm whose `since` moved is a new occurrence: the
  /// old one is cleared and the new one raised. Cleared come first, then raised, then
  /// acknowledged, so a program sees a recurrence as clear → alarm.
  mutating func apply(_ alarms: [AlarmView]) -> Change {
    var change = Change()
    var next: [String: AlarmView] = [:]
    for alarm in alarms {
      var alarm = alarm
      let old = active[alarm.id]
      let sameOccurrence = old?.since == alarm.since
      if let old, !sameOccurrence { change.cleared.append(old) }
      if !sameOccurrence { change.raised.append(alarm) }
      // An ack learnt from the watch stream is kept until status shows it.
      if alarm.acknowledged == nil, sameOccurrence { alarm.acknowledged = old?.acknowledged }
      if alarm.acknowledged != nil, !sameOccurrence || old?.acknowledged == nil {
        change.acknowledged.append(alarm)
      }
      next[alarm.id] = alarm
    }
    for (id, old) in active where next[id] == nil {
      change.cleared.append(old)
    }
    change.cleared.sort { ($0.since, $0.id) < ($1.since, $1.id) }
    change.raised.sort { ($0.since, $0.id) < ($1.since, $1.id) }
    active = next
    return change
  }

  /// An acknowledgement seen on the watch stream, before (or instead of) the next status.
  mutating func acknowledge(id: String, by ack: AcknowledgementStatus) -> AlarmView? {
    // Only for the occurrence it was given to: a late line about one that cleared and came
    // back must not silence the new one (and stop its escalation).
    guard var alarm = active[id], alarm.acknowledged == nil, ack.at >= alarm.since else {
      return nil
    }
    alarm.acknowledged = ack
    active[id] = alarm
    return alarm
  }
}
