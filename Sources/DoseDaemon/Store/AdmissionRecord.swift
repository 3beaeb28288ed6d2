import Foundation
import GRDB

/// A patient's stay in an isolation room: admission to clearance of the room.
public struct AdmissionRecord: Sendable, Hashable, Codable, FetchableRecord,
  MutablePersistableRecord, DoseRecord
{
  public static let databaseTableName = "admission"

  public var id: Int64?
  public var room: String
  /// The site's opaque patient reference; no names are asked for.
  public var patient: String
  public var nuclide: String
  public var activityBq: Double?
  public var admittedAt: Date
  public var dischargedAt: Date?
  public var clearedAt: Date?
  /// Detector dose rate → dose rate at 1 m from the patient (handheld calibration).
  public var geometryFactor: Double?
  public var geometrySetAt: Date?

  enum CodingKeys: String, CodingKey {
    case id, room, patient, nuclide
    case activityBq = "activity_bq"
    case admittedAt = "admitted_at"
    case dischargedAt = "discharged_at"
    case clearedAt = "cleared_at"
    case geometryFactor = "geometry_factor"
    case geometrySetAt = "geometry_set_at"
  }

  public init(
    room: String, patient: String, nuclide: String, activityBq: Double?, admittedAt: Date
  ) {
    self.room = room
    self.patient = patient
    self.nuclide = nuclide
    self.activityBq = activityBq
    self.admittedAt = admittedAt
  }

  public mutating func didInsert(_ inserted: InsertionSuccess) {
    id = inserted.rowID
  }
}

/// Where a room is in its cycle, as last recorded.
public struct RoomStateRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord,
  DoseRecord
{
  public static let databaseTableName = "room_state"

  public var room: String
  public var occupancy: String
  public var since: Date
  public var admissionID: Int64?

  enum CodingKeys: String, CodingKey {
    case room, occupancy, since
    case admissionID = "admission_id"
  }

  public init(room: String, occupancy: String, since: Date, admissionID: Int64?) {
    self.room = room
    self.occupancy = occupancy
    self.since = since
    self.admissionID = admissionID
  }
}
