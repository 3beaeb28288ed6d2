import Foundation

/// `room_show`, `room_discharge`: `{"id":1,"cmd":"room_show","room":"room-1"}`.
public struct RoomRequest: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd: String
  public var room: String
  /// When it happened, if not now (discharge).
  public var at: Date?

  public init(id: RequestID?, command: Command, room: String, at: Date? = nil) {
    self.id = id
    self.cmd = command.rawValue
    self.room = room
    self.at = at
  }
}

/// `room_admit`.
public struct RoomAdmitRequest: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd = Command.roomAdmit.rawValue
  public var room: String
  /// The site's opaque patient reference.
  public var patient: String
  public var nuclide: String
  public var activityBq: Double?
  public var at: Date?

  enum CodingKeys: String, CodingKey {
    case id, cmd, room, patient, nuclide, at
    case activityBq = "activity_bq"
  }

  public init(
    id: RequestID?, room: String, patient: String, nuclide: String, activityBq: Double?,
    at: Date?
  ) {
    self.id = id
    self.room = room
    self.patient = patient
    self.nuclide = nuclide
    self.activityBq = activityBq
    self.at = at
  }
}

/// `room_clear`: needs the contamination survey result.
public struct RoomClearRequest: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd = Command.roomClear.rawValue
  public var room: String
  /// The contamination survey (wipe test) result as the surveyor states it.
  public var wipeTest: String

  enum CodingKeys: String, CodingKey {
    case id, cmd, room
    case wipeTest = "wipe_test"
  }

  public init(id: RequestID?, room: String, wipeTest: String) {
    self.id = id
    self.room = room
    self.wipeTest = wipeTest
  }
}

/// `room_calibrate`: a handheld reading at 1 m from the patient sets the room's geometry.
public struct RoomCalibrateRequest: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd = Command.roomCalibrate.rawValue
  public var room: String
  public var at1mUSvH: Double

  enum CodingKeys: String, CodingKey {
    case id, cmd, room
    case at1mUSvH = "at_1m_usv_h"
  }

  public init(id: RequestID?, room: String, at1mUSvH: Double) {
    self.id = id
    self.room = room
    self.at1mUSvH = at1mUSvH
  }
}

/// Reply to every `room_*` command: the room as it is after the command.
public struct RoomReply: Codable, Sendable, Hashable {
  public var `class` = "room"
  public var id: RequestID?
  public var room: RoomDetail

  public init(id: RequestID?, room: RoomDetail) {
    self.id = id
    self.room = room
  }
}

/// One isolation room: its state, its patient and its measurements.
public struct RoomDetail: Codable, Sendable, Hashable {
  public var id: String
  /// `occupied`, `awaiting_clearance`, `clear` or `fault`.
  public var state: String
  /// The recorded cycle position, whatever the detectors say.
  public var occupancy: String
  public var since: Date?
  public var patient: PatientStatus?
  public var doseRateUSvH: Double?
  public var ci95USvH: [Double]?
  public var clearance: ClearanceStatus?
  public var reasons: [String]?

  enum CodingKeys: String, CodingKey {
    case id, state, occupancy, since, patient, clearance, reasons
    case doseRateUSvH = "dose_rate_usv_h"
    case ci95USvH = "ci95_usv_h"
  }

  public init(id: String, state: String, occupancy: String) {
    self.id = id
    self.state = state
    self.occupancy = occupancy
  }
}

/// The current (or last) patient of a room.
public struct PatientStatus: Codable, Sendable, Hashable {
  public var reference: String
  public var nuclide: String
  public var activityBq: Double?
  public var admittedAt: Date
  public var dischargedAt: Date?
  /// Detector dose rate → dose rate at 1 m, from a handheld reading.
  public var geometryFactor: Double?
  public var admission: Int64?

  enum CodingKeys: String, CodingKey {
    case reference, nuclide, admission
    case activityBq = "activity_bq"
    case admittedAt = "admitted_at"
    case dischargedAt = "discharged_at"
    case geometryFactor = "geometry_factor"
  }

  public init(reference: String, nuclide: String, admittedAt: Date) {
    self.reference = reference
    self.nuclide = nuclide
    self.admittedAt = admittedAt
  }
}
