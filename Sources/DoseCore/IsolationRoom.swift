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
  /// Energy corrections of the room's detectors for its nuclide (detector id → correction).
  public let corrections: [String: EnergyCorrection]
  private var reversionReason: String?

  public init(
    id: String, detectorIDs: [String], occupancy: RoomOccupancy, clearUSvH: Double,
    alarms: DoseAlarmTracker, corrections: [String: EnergyCorrection] = [:]
  ) {
    self.id = id
    self.detectorIDs = detectorIDs
    self.occupancy = occupancy
    self.clearUSvH = clearUSvH
    self.alarms = alarms
    self.corrections = corrections
  }

  /// Sets the occupancy as recorded by people (or restored from the records at start-up).
  public mutating func setOccupancy(_ occupancy: RoomOccupancy) {
    self.occupancy = occupancy
    reversionReason = nil
  }

  public mutating func assess(detectors: [DetectorAssessment]) -> LocationAssessment {
    let summary = DetectorSummary(detectors, expected: detectorIDs, corrections: corrections)
    alarms.update(summary: summary, location: id)
    if let interval = summary.doseInterval, summary.unfit.isEmpty, occupancy == .clear,
      interval.lowerBound > clearUSvH
    {
      occupancy = .awaitingClearance
      reversionReason = String(
        format: "was clear, but ambient dose rate is above the clearance level %.3g µSv/h "
          + "(95 %% lower bound %.3g µSv/h): survey before reuse", clearUSvH,
        interval.lowerBound)
    }
    if let over = summary.overRangeDetectors.first {
      alarms.raise(
        to: .alarm,
        evidence: AlarmEvidence(
          method: .overRange, thresholdUSvH: alarms.alarmUSvH, statistic: 0, decisionValue: 0,
          counts: 0, windowSeconds: 0, detector: over))
    }
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
      doseRateUSvH: summary.doseRate, doseRateInterval: summary.doseInterval,
      doseRateDetector: summary.highestID,
      alarm: faulted ? .alarm : alarms.level, doseAlarm: alarms.level, packages: [])
    assessment.overRangeDetectors = summary.overRangeDetectors
    assessment.energyCorrection = summary.correction
    assessment.alarmEvidence = alarms.evidence
    if occupancy != .occupied {
      assessment.clearance = clearance(summary, faulted: faulted)
    }
    return assessment
  }

  /// Below the clearance level only when every detector's sequential test says so *and* every
  /// 95 % upper bound is below it; above when any lower bound is; otherwise keep counting.
  func clearance(_ summary: DetectorSummary, faulted: Bool) -> ClearanceAssessment {
    if faulted {
      return ClearanceAssessment(
        limitUSvH: clearUSvH, decision: .undecided, upper95USvH: nil, needsCountingSeconds: nil,
        statistic: nil, decisionValue: nil,
        reasons: ["a room in fault cannot be cleared"] + summary.faultReasons)
    }
    var upper: Double?
    var lowerAbove = false
    var allBelow = true
    var needs: Double? = 0
    var statistic: Double?
    var decisionValue: Double?
    var reasons: [String] = []
    for detector in summary.fit {
      guard let estimate = detector.estimate, let raw = estimate.doseRateInterval,
        let test = detector.limitTests[id]
      else {
        allBelow = false
        needs = nil
        reasons.append("detector \(detector.id) has no clearance measurement yet")
        continue
      }
      let interval = corrections[detector.id]?.corrected(raw) ?? raw
      upper = Swift.max(upper ?? -.infinity, interval.upperBound)
      if interval.lowerBound > clearUSvH { lowerAbove = true }
      let below = test.decidedBelow && interval.upperBound < clearUSvH
      if !below { allBelow = false }
      if statistic == nil || test.statistic < statistic! {
        statistic = test.statistic
        decisionValue = test.decisionValue
      }
      if let seconds = test.secondsToDecide(observedCPS: estimate.observedCPS) {
        needs = needs.map { Swift.max($0, seconds) }
      } else if !below {
        needs = nil
        reasons.append(
          "detector \(detector.id): the rate is too close to the clearance level for counting "
            + "to show it is below")
      }
    }
    let decision: ClearanceAssessment.Decision =
      lowerAbove ? .above : (allBelow && !summary.fit.isEmpty) ? .below : .undecided
    return ClearanceAssessment(
      limitUSvH: clearUSvH, decision: decision, upper95USvH: upper,
      needsCountingSeconds: decision == .undecided ? needs : nil, statistic: statistic,
      decisionValue: decisionValue, reasons: reasons)
  }
}
