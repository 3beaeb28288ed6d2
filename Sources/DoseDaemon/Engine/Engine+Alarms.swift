import DoseCore
import DoseProtocol
import Foundation

/// Alarm identity and acknowledgement. An acknowledgement belongs to one occurrence of an alarm
/// (its id and `since`): it silences that occurrence, is shown with it, and is forgotten when
/// the alarm clears, so a recurrence alarms again (DOMAIN.md safety principle 3).
extension Engine {
  static func alarmID(_ alarm: AlarmStatus) -> String {
    switch alarm.kind {
    case "fault": "fault:\(alarm.detector ?? "?")"
    case "dose": "dose:\(alarm.location ?? "?"):\(alarm.level)"
    case "storage", "orphan": alarm.location.map { "\(alarm.kind):\($0)" } ?? alarm.kind
    default: alarm.kind
    }
  }

  /// Clock seconds after start in which an alarm active at the last stop, when it is raised
  /// again, continues that occurrence (same `since`, same acknowledgement) instead of being a
  /// new one: the statistical tests need some counting after a restart before they fire again.
  /// 300 s: project choice.
  static let restoredAlarmGraceSeconds = 300.0

  /// Gives each alarm its id and its acknowledgement (if it is for this occurrence).
  func identify(_ alarms: [AlarmStatus]) -> [AlarmStatus] {
    alarms.map { alarm in
      var alarm = alarm
      let id = Self.alarmID(alarm)
      alarm.alarmID = id
      if let restored = restoredAlarms.removeValue(forKey: id) {
        // The occurrence from before the restart continues.
        alarm.since = restored.since
        alarmSince[id] = restored.since
        if let ack = restored.acknowledgement {
          acknowledgements[id] = Acknowledgement(since: restored.since, status: ack)
        }
      }
      if let ack = acknowledgements[id], ack.since == alarm.since {
        alarm.acknowledged = ack.status
      }
      return alarm
    }
  }

  /// Drops acknowledgements of alarms that are gone.
  func forgetAcknowledgements(keeping alarms: [AlarmStatus]) {
    let active = Set(alarms.compactMap(\.alarmID))
    for id in acknowledgements.keys where !active.contains(id) {
      acknowledgements[id] = nil
    }
  }

  public func alarms(id: RequestID?) -> AlarmsReply {
    AlarmsReply(id: id, time: latest.time, alarms: latest.alarms)
  }

  /// Acknowledges an active alarm, recorded with who and why.
  public func acknowledge(alarm id: String, note: String?, actor: ActorIdentity?)
    throws(ControlFailure) -> AlarmsReply
  {
    guard let alarm = latest.alarms.first(where: { $0.alarmID == id }) else {
      let active = latest.alarms.compactMap(\.alarmID).joined(separator: ", ")
      throw ControlFailure(
        .notFound, "no active alarm '\(id)' (active: \(active.isEmpty ? "none" : active))")
    }
    try requireRecords()
    let time = clock.now().wallTime
    let text = note?.trimmingCharacters(in: .whitespacesAndNewlines)
    let ack = Acknowledgement(
      since: alarm.since,
      status: AcknowledgementStatus(
        user: actor?.name ?? "unknown", uid: actor?.uid, at: time,
        note: text?.isEmpty == false ? text : nil))
    if let store {
      do {
        try store.append(
          StoredEvent(
            time: time, kind: "alarm_ack", location: alarm.location, detector: alarm.detector,
            level: alarm.level,
            message: "acknowledged \(id): \(alarm.message)"
              + (ack.status.note.map { " — \($0)" } ?? ""),
            actor: actor))
      } catch {
        storageProblem = "\(error)"
        throw ControlFailure(.unavailable, "the acknowledgement could not be recorded: \(error)")
      }
    }
    acknowledgements[id] = ack
    latest.alarms = identify(latest.alarms)
    if let acknowledged = latest.alarms.first(where: { $0.alarmID == id }) {
      persistAlarm(acknowledged, id: id)
      activeAlarms[id] = acknowledged
    }
    return alarms(id: nil)
  }
}

/// One acknowledgement of one alarm occurrence.
struct Acknowledgement: Sendable {
  let since: Date
  let status: AcknowledgementStatus
}
