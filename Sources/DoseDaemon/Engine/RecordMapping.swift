import DetectorDrivers
import DoseCore
import DoseProtocol
import Foundation

// The ward model's records as the store's rows.
extension StoredEvent {
  /// The records' row for a ward model's record.
  init(_ record: WardRecord) {
    let data: String? =
      switch record.data {
      case .measurement(let assessment): MeasurementRecord(assessment).json
      case .evidence(let evidence): StatusMapping.json(StatusMapping.evidence(evidence))
      case nil: nil
      }
    self.init(
      time: record.time, kind: record.kind.rawValue, location: record.location,
      detector: record.detector, level: record.level?.rawValue, message: record.message,
      actor: record.actor, data: data)
  }

  /// The event's kind, when it is one this version of dosed writes.
  var eventKind: EventKind? { EventKind(rawValue: kind) }
}

extension AlarmStateRecord {
  init(_ alarm: WardAlarm) {
    self.init(
      id: alarm.key.id, since: alarm.since, kind: alarm.key.kind.rawValue,
      level: alarm.level.rawValue, location: alarm.location, detector: alarm.detector,
      message: alarm.message, ackUser: alarm.acknowledgement?.user,
      ackUID: alarm.acknowledgement?.uid, ackAt: alarm.acknowledgement?.at,
      ackNote: alarm.acknowledgement?.note)
  }

  /// The occurrence as the ward model keeps it; nil for a row no version of dosed wrote.
  var wardAlarm: WardAlarm? {
    guard let key = AlarmKey(id: id), let level = AlarmLevel(rawValue: level) else { return nil }
    var alarm = WardAlarm(
      key: key, level: level, message: message, since: since, detector: detector)
    if let ackUser, let ackAt {
      alarm.acknowledgement = AlarmAcknowledgement(
        user: ackUser, uid: ackUID, at: ackAt, note: ackNote)
    }
    return alarm
  }
}
