import Foundation
import GRDB

/// One row of the `event` table.
public struct StoredEvent: Sendable, Hashable, Codable, FetchableRecord,
  MutablePersistableRecord, DoseRecord
{
  public static let databaseTableName = "event"

  public var id: Int64?
  public var time: Date
  /// e.g. `detector_state`, `location_state`, `alarm`, `alarm_cleared`, `device_attached`,
  /// `admit`, `discharge`, `clear`, `calibrate`, `start`, `stop`.
  public var kind: String
  public var location: String?
  public var detector: String?
  public var level: String?
  public var message: String
  public var actorUID: UInt32?
  public var actorName: String?
  public var actorPID: Int32?
  /// JSON with the measurement the event rests on.
  public var data: String?

  enum CodingKeys: String, CodingKey {
    case id, time, kind, location, detector, level, message, data
    case actorUID = "actor_uid"
    case actorName = "actor_name"
    case actorPID = "actor_pid"
  }

  public init(
    time: Date, kind: String, location: String? = nil, detector: String? = nil,
    level: String? = nil, message: String, actor: ActorIdentity? = nil, data: String? = nil
  ) {
    self.time = time
    self.kind = kind
    self.location = location
    self.detector = detector
    self.level = level
    self.message = message
    actorUID = actor?.uid
    actorName = actor?.name
    actorPID = actor?.pid
    self.data = data
  }

  public mutating func didInsert(_ inserted: InsertionSuccess) {
    id = inserted.rowID
  }
}
