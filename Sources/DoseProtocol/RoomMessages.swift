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

/// `room_move`: the record of a room the configuration no longer has (renamed) onto a
/// configured, clear room: `{"cmd":"room_move","room":"room-1","to":"room-A"}`.
public struct RoomMoveRequest: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd = Command.roomMove.rawValue
  public var room: String
  public var to: String

  public init(id: RequestID?, room: String, to: String) {
    self.id = id
    self.room = room
    self.to = to
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
  public var release: ReleaseStatus?
  public var reasons: [String]?

  enum CodingKeys: String, CodingKey {
    case id, state, occupancy, since, patient, clearance, reasons, release
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

/// May the patient go home, and when? Present for occupied rooms.
public struct ReleaseStatus: Codable, Sendable, Hashable {
  /// True only when the upper 95 % bound at the limit's distance is at or below the limit;
  /// false whenever anything is missing (no limit, no geometry, a fault).
  public var eligible: Bool
  public var reason: String
  public var limitUSvH: Double?
  public var distanceM: Double?
  public var limitName: String?
  public var limitSource: String?
  /// Patient dose rate at the limit's distance, with its 95 % bounds.
  public var doseRateUSvH: Double?
  public var ci95USvH: [Double]?
  /// When the fitted clearance curve reaches the limit, and its 95 % interval (an open end is
  /// left out: the data do not show it).
  public var predictedAt: Date?
  public var predictedEarliest: Date?
  public var predictedLatest: Date?
  /// `mono` or `bi` exponential, the effective (terminal) half-life and its standard
  /// uncertainty.
  public var model: String?
  public var effectiveHalfLifeH: Double?
  public var effectiveHalfLifeUncertaintyH: Double?
  public var slowClearance: Bool?
  public var slowClearanceReason: String?
  public var samples: Int?

  enum CodingKeys: String, CodingKey {
    case eligible, reason, model, samples
    case limitUSvH = "limit_usv_h"
    case distanceM = "distance_m"
    case limitName = "limit_name"
    case limitSource = "limit_source"
    case doseRateUSvH = "dose_rate_usv_h"
    case ci95USvH = "ci95_usv_h"
    case predictedAt = "predicted_at"
    case predictedEarliest = "predicted_earliest"
    case predictedLatest = "predicted_latest"
    case effectiveHalfLifeH = "effective_half_life_h"
    case effectiveHalfLifeUncertaintyH = "effective_half_life_uncertainty_h"
    case slowClearance = "slow_clearance"
    case slowClearanceReason = "slow_clearance_reason"
  }

  public init(eligible: Bool, reason: String) {
    self.eligible = eligible
    self.reason = reason
  }
}
