import DoseCore
import Foundation

/// The alarms' memory between evaluations: when each occurrence started, which are recorded as
/// active, which an operator acknowledged, and which were active at the last stop.
///
/// An acknowledgement belongs to one occurrence (its key and `since`): it silences that
/// occurrence, is shown with it, and is forgotten when the alarm clears, so a recurrence alarms
/// again (DOMAIN.md safety principle 3).
struct AlarmBook: Sendable {
  /// Clock seconds after start in which an alarm active at the last stop, when it is raised
  /// again, continues that occurrence (same `since`, same acknowledgement) instead of being a
  /// new one: the statistical tests need some counting after a restart before they fire again.
  /// 300 s: project choice.
  static let restoredGraceSeconds = 300.0

  /// Occurrences recorded as active (raised, not yet recorded as cleared).
  private(set) var recorded: [AlarmKey: WardAlarm] = [:]
  private var since: [AlarmKey: Date] = [:]
  private var acknowledgements: [AlarmKey: AlarmAcknowledgement] = [:]
  /// Occurrences active at the last stop, waiting to be raised again.
  private var restored: [AlarmKey: WardAlarm] = [:]
  /// Chain tests requested and not yet acknowledged, by location.
  private(set) var tests: [String: WardAlarm] = [:]

  /// Raises a chain test at `location`: an alarm that travels every path a real one does,
  /// marked as a test, and ends when it is acknowledged. It has a key of its own, so it can
  /// neither mask nor clear a real alarm.
  mutating func requestTest(at location: String, by user: String, note: String?, at time: Date)
    -> WardAlarm
  {
    let alarm = WardAlarm(
      key: .test(location: location), level: .alarm,
      message: "alarm chain test requested by \(user)" + (note.map { " (\($0))" } ?? "")
        + ": not a real alarm; acknowledge it to end the test",
      since: time)
    tests[location] = alarm
    return alarm
  }

  /// The test at `location` is over (acknowledged).
  mutating func endTest(at location: String) {
    tests[location] = nil
  }

  /// Takes the occurrences the records hold as active at the last stop.
  mutating func restore(_ alarms: [WardAlarm]) {
    for alarm in alarms {
      restored[alarm.key] = alarm
      recorded[alarm.key] = alarm
    }
  }

  /// Whether an occurrence of `key` was active before this evaluation: at the last stop (and
  /// not yet confirmed or timed out), or recorded since. Such an alarm stays raised while its
  /// detector awaits its first reading: silence is no evidence that the fault went away.
  func wasActiveBefore(_ key: AlarmKey) -> Bool {
    restored[key] != nil || recorded[key] != nil
  }

  /// When the occurrence of `key` started: now, unless it is already running.
  mutating func start(_ key: AlarmKey, at now: Date) -> Date {
    if let start = since[key] { return start }
    since[key] = now
    return now
  }

  /// The occurrence of `key` is over (its cause is gone).
  mutating func end(_ key: AlarmKey) {
    since[key] = nil
  }

  /// Ends every running occurrence of a kind that is not in `current`.
  mutating func endAll(_ kinds: Set<AlarmKind>, except current: Set<AlarmKey>) {
    for key in since.keys where kinds.contains(key.kind) && !current.contains(key) {
      since[key] = nil
    }
  }

  /// Continues restored occurrences and attaches acknowledgements; forgets acknowledgements of
  /// alarms that are gone.
  mutating func identify(_ alarms: [WardAlarm]) -> [WardAlarm] {
    let result = alarms.map { alarm in
      var alarm = alarm
      if let previous = restored.removeValue(forKey: alarm.key) {
        // The occurrence from before the restart continues.
        alarm.since = previous.since
        since[alarm.key] = previous.since
        if let ack = previous.acknowledgement {
          acknowledgements[alarm.key] = ack
          acknowledged[alarm.key] = previous.since
        }
      }
      if let ack = acknowledgements[alarm.key], acknowledged[alarm.key] == alarm.since {
        alarm.acknowledgement = ack
      }
      return alarm
    }
    let active = Set(result.map(\.key))
    for key in acknowledgements.keys where !active.contains(key) {
      acknowledgements[key] = nil
      acknowledged[key] = nil
    }
    return result
  }

  /// The `since` each acknowledgement was given for.
  private var acknowledged: [AlarmKey: Date] = [:]

  /// Silences the occurrence `alarm` is.
  mutating func acknowledge(_ alarm: WardAlarm, by ack: AlarmAcknowledgement) {
    acknowledgements[alarm.key] = ack
    acknowledged[alarm.key] = alarm.since
  }

  /// Records each occurrence when it starts and when it ends, and keeps the rows of active
  /// ones current (started or acknowledged; not for every message update: the "no counts for
  /// N s" text changes at every evaluation).
  mutating func recordChanges(
    _ alarms: [WardAlarm], at time: Date, clockSeconds: Double, effects: inout [WardEffect]
  ) {
    var current: [AlarmKey: WardAlarm] = [:]
    for alarm in alarms { current[alarm.key] = alarm }
    for (key, alarm) in current.sorted(by: { $0.key < $1.key })
    where recorded[key]?.since != alarm.since
      || recorded[key]?.acknowledgement != alarm.acknowledgement
    {
      effects.append(.saveAlarm(alarm))
    }
    for (key, alarm) in current.sorted(by: { $0.key < $1.key }) where recorded[key] == nil {
      effects.append(
        .record(
          WardRecord(
            time: time, kind: .alarm, location: alarm.location, detector: alarm.detector,
            level: alarm.level, message: "\(key.kind.rawValue): \(alarm.message)",
            data: alarm.evidence.map(RecordData.evidence))))
      effects.append(.publish(.alarm(alarm, .raised, at: time)))
    }
    if clockSeconds > Self.restoredGraceSeconds { restored.removeAll() }
    for (key, alarm) in recorded.sorted(by: { $0.key < $1.key }) where current[key] == nil {
      // A restored occurrence gets the grace period to come back before it counts as cleared.
      if restored[key] != nil { continue }
      effects.append(.deleteAlarm(key))
      effects.append(
        .record(
          WardRecord(
            time: time, kind: .alarmCleared, location: alarm.location, detector: alarm.detector,
            level: alarm.level,
            message: "\(key.kind.rawValue) alarm cleared: \(alarm.message)")))
      effects.append(.publish(.alarm(alarm, .cleared, at: time)))
    }
    // Restored occurrences not yet back stay recorded (their rows stay) until the grace ends.
    recorded = current.merging(restored.filter { current[$0.key] == nil }) { now, _ in now }
  }

  /// Notes that an occurrence's row was rewritten outside an evaluation (an acknowledgement).
  mutating func noteRecorded(_ alarm: WardAlarm) {
    recorded[alarm.key] = alarm
  }
}
