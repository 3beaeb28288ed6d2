import DoseCore
import DoseProtocol
import Foundation

/// Acknowledgement: silences one occurrence of an alarm, recorded with who and why.
extension Engine {
  public func alarms(id: RequestID?) -> AlarmsReply {
    AlarmsReply(id: id, time: latest.time, alarms: latest.alarms)
  }

  /// Acknowledges an active alarm, recorded with who and why.
  public func acknowledge(alarm id: String, note: String?, actor: ActorIdentity?)
    async throws(ControlFailure) -> AlarmsReply
  {
    await enterAction()
    defer { leaveAction() }
    guard let key = AlarmKey(id: id), let alarm = current.alarm(key) else {
      let active = current.alarms.map(\.key.id).joined(separator: ", ")
      throw ControlFailure(
        .notFound, "no active alarm '\(id)' (active: \(active.isEmpty ? "none" : active))")
    }
    try requireRecords()
    let time = clock.now().wallTime
    let text = note?.trimmingCharacters(in: .whitespacesAndNewlines)
    let ack = AlarmAcknowledgement(
      user: actor?.name ?? "unknown", uid: actor?.uid, at: time,
      note: text?.isEmpty == false ? text : nil)
    let event = StoredEvent(
      WardRecord(
        time: time, kind: .alarmAck, location: alarm.location, detector: alarm.detector,
        level: alarm.level,
        message: "acknowledged \(id): \(alarm.message)" + (ack.note.map { " — \($0)" } ?? ""),
        actor: actor))
    _ = try await write("the acknowledgement") { try $0.append(event) }
    ward.alarms.acknowledge(alarm, by: ack)
    current.alarms = ward.alarms.identify(current.alarms)
    if let acknowledged = current.alarm(key) {
      writer.enqueue([.saveAlarm(AlarmStateRecord(acknowledged))])
      ward.alarms.noteRecorded(acknowledged)
    }
    latest = StatusMapping.status(current, timeScale: clock.scale)
    return alarms(id: nil)
  }
}
