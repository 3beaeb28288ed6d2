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
