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
      perform([.publish(.alarm(acknowledged, .acknowledged, at: time))])
    }
    // A chain test ends with its acknowledgement: the next evaluation records it cleared.
    if case .test(let location) = key { ward.alarms.endTest(at: location) }
    latest = StatusMapping.status(current, timeScale: clock.scale)
    return alarms(id: nil)
  }

  /// Raises a chain test at a location (`alarm_test`), recorded with who asked: it travels
  /// every notification path as an alarm marked `test`, and its acknowledgement ends it.
  public func raiseTestAlarm(at location: String, note: String?, actor: ActorIdentity?)
    async throws(ControlFailure) -> AlarmsReply
  {
    await enterAction()
    defer { leaveAction() }
    guard ward.location(location) != nil else {
      let known = ward.locations.map(\.config.id).joined(separator: ", ")
      throw ControlFailure(.notFound, "no location '\(location)' (locations: \(known))")
    }
    guard ward.alarms.tests[location] == nil else {
      throw ControlFailure(
        .refused,
        "a test alarm is already active at \(location): acknowledge \(AlarmKey.test(location: location).id) to end it"
      )
    }
    try requireRecords()
    let time = clock.now().wallTime
    let text = note?.trimmingCharacters(in: .whitespacesAndNewlines)
    let user = actor?.name ?? "unknown"
    let event = StoredEvent(
      WardRecord(
        time: time, kind: .alarmTest, location: location, level: .alarm,
        message: "alarm chain test requested" + (text.map { ": \($0)" } ?? ""), actor: actor))
    _ = try await write("the test alarm") { try $0.append(event) }
    _ = ward.alarms.requestTest(
      at: location, by: user, note: text?.isEmpty == false ? text : nil, at: time)
    evaluate()
    return alarms(id: nil)
  }
}
