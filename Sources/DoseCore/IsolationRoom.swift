import Foundation

/// Where an isolation room is in its cycle, as recorded by people (admit, discharge, clear).
public enum RoomOccupancy: String, Sendable, Hashable, Codable, CaseIterable {
  case occupied
  case awaitingClearance = "awaiting_clearance"
  case clear
}

/// Rules of an isolation room.
///
/// - Any detector not `ok` → `fault`, whatever else is true: a room is never `clear` on missing,
///   stale or untrustworthy data.
/// - A room becomes `clear` only through a recorded decision, never on ambient dose rate alone
///   (health-physics.md §2, rule 4: the fixed monitor cannot see removable contamination).
/// - A `clear` room whose dose rate is significantly above its clearance level (lower 95 %
///   bound above it) reverts to `awaiting_clearance`: something radioactive is in it.
public struct IsolationRoomMonitor: Sendable {
  public let id: String
  public let detectorIDs: [String]
  /// Ambient dose rate a clear room must stay below, µSv/h.
  public let clearUSvH: Double
  public private(set) var occupancy: RoomOccupancy
  public private(set) var alarms: DoseAlarmTracker
  private var reversionReason: String?

  public init(
    id: String, detectorIDs: [String], occupancy: RoomOccupancy, clearUSvH: Double,
    alarms: DoseAlarmTracker
  ) {
    self.id = id
    self.detectorIDs = detectorIDs
    self.occupancy = occupancy
    self.clearUSvH = clearUSvH
    self.alarms = alarms
  }

  public mutating func assess(detectors: [DetectorAssessment]) -> LocationAssessment {
    let summary = DetectorSummary(detectors, expected: detectorIDs)
    if let estimate = summary.highest, let dose = estimate.doseRateUSvH,
      let interval = estimate.doseRateInterval
    {
      alarms.update(doseRate: dose, interval: interval)
      if summary.unfit.isEmpty, occupancy == .clear, interval.lowerBound > clearUSvH {
        occupancy = .awaitingClearance
        reversionReason = String(
          format: "was clear, but ambient dose rate is above the clearance level %.3g µSv/h "
            + "(95 %% lower bound %.3g µSv/h): survey before reuse", clearUSvH,
          interval.lowerBound)
      }
    }
    if summary.overRange { alarms.raise(to: .alarm) }
    let faulted = !summary.unfit.isEmpty || detectorIDs.isEmpty
    let state: LocationState
    switch occupancy {
    case _ where faulted: state = .fault
    case .occupied: state = .occupied
    case .awaitingClearance: state = .awaitingClearance
    case .clear: state = .clear
    }
    var reasons = summary.faultReasons
    if detectorIDs.isEmpty { reasons.append("no detectors assigned") }
    if occupancy == .awaitingClearance, let reversionReason { reasons.append(reversionReason) }
    var assessment = LocationAssessment(
      id: id, kind: .isolationRoom, state: state, reasons: reasons,
      doseRateUSvH: summary.highest?.doseRateUSvH,
      doseRateInterval: summary.highest?.doseRateInterval,
      doseRateDetector: summary.highestID,
      alarm: faulted ? .alarm : alarms.level, doseAlarm: alarms.level, packages: [])
    assessment.overRangeDetectors = summary.overRangeDetectors
    return assessment
  }
}
