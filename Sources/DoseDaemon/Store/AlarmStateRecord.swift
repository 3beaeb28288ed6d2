import DoseProtocol
import Foundation
import GRDB

/// An active alarm occurrence as recorded, with its acknowledgement if any.
public struct AlarmStateRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord,
  DoseRecord
{
  public static let databaseTableName = "alarm_state"

  public var id: String
  public var since: Date
  public var kind: String
  public var level: String
  public var location: String?
  public var detector: String?
  public var message: String
  public var ackUser: String?
  public var ackUID: UInt32?
  public var ackAt: Date?
  public var ackNote: String?

  enum CodingKeys: String, CodingKey {
    case id, since, kind, level, location, detector, message
    case ackUser = "ack_user"
    case ackUID = "ack_uid"
    case ackAt = "ack_at"
    case ackNote = "ack_note"
  }

  public init(_ alarm: AlarmStatus, id: String) {
    self.id = id
    since = alarm.since
    kind = alarm.kind
    level = alarm.level
    location = alarm.location
    detector = alarm.detector
    message = alarm.message
    ackUser = alarm.acknowledged?.user
    ackUID = alarm.acknowledged?.uid
    ackAt = alarm.acknowledged?.at
    ackNote = alarm.acknowledged?.note
  }

  /// The alarm as `status` lists it (for comparing with the next evaluation).
  public var alarm: AlarmStatus {
    var alarm = AlarmStatus(
      kind: kind, level: level, location: location, detector: detector, message: message,
      since: since)
    alarm.alarmID = id
    return alarm
  }

  public var acknowledgement: AcknowledgementStatus? {
    guard let ackUser, let ackAt else { return nil }
    return AcknowledgementStatus(user: ackUser, uid: ackUID, at: ackAt, note: ackNote)
  }
}

extension RecordStore {
  public func activeAlarms() throws -> [AlarmStateRecord] {
    try pool.read { db in try Self.readable(AlarmStateRecord.self, db) }
  }

  public func save(alarm: AlarmStateRecord) throws {
    try pool.write { db in try alarm.save(db) }
  }

  public func deleteAlarm(id: String) throws {
    try pool.write { db in _ = try AlarmStateRecord.deleteOne(db, key: id) }
  }
}
